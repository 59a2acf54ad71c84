// Where the credential goes and who can read it, end to end: the dist bundles against the ECR stand-in
// handing out passwords of realistic length (3,188 characters, an SSO/OIDC role session's), REAL
// docker-registry instances, the REAL docker CLI, REAL skopeo, podman and buildah copying an image from one
// registry to another with the credentials the step left, and emulated credential helpers on PATH: the
// platform's default store (`secretservice`, which the Linux CLI detects as the Windows CLI detects wincred,
// refusing secrets over 2,500 characters as wincred does), a hanging `osxkeychain`, and an `ecr-login`.
import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  alive,
  type EmulatedHelper,
  type HelperBehaviour,
  installHelper,
  WINCRED_MAX_SECRET,
} from '../support/credential-helpers.js';
import { makeTempDir, removeDir } from '../support/daemon.js';
import { ECR_PASSWORD_LENGTH } from '../support/ecr-stand-in.js';
import { createWorkspace, runStep, type StepResult, type Workspace } from '../support/runner.js';
import { findTool, requireTool } from '../support/tools.js';
import { runTool, skopeoView, type ToolRun } from './clients.js';
import { ACCOUNTS, expectOk, startWorld, type World } from './helpers.js';

const REGION = 'us-east-1';
const [SRC_ACCOUNT, DST_ACCOUNT] = [ACCOUNTS[0], ACCOUNTS[1]];
const CLIENTS = ['skopeo', 'podman', 'buildah'] as const;
type Client = (typeof CLIENTS)[number];

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** A one-layer OCI image layout in `dir` (tag "1"), made by hand: no daemon, no storage driver. */
async function ociImage(dir: string): Promise<void> {
  const files = join(dir, 'files');
  await mkdir(join(dir, 'blobs', 'sha256'), { recursive: true });
  await mkdir(files, { recursive: true });
  await writeFile(join(files, 'hello.txt'), 'hello from the e2e image\n');
  const tar = await runTool('tar', ['-C', files, '-cf', join(dir, 'layer.tar'), 'hello.txt'], {
    PATH: '/usr/bin:/bin',
  });
  if (tar.code !== 0) throw new Error(`tar: ${tar.out}`);
  const blob = async (data: Buffer) => {
    const digest = sha256(data);
    await writeFile(join(dir, 'blobs', 'sha256', digest), data);
    return { digest: `sha256:${digest}`, size: data.length };
  };
  const layer = await blob(await readFile(join(dir, 'layer.tar')));
  const config = await blob(
    Buffer.from(
      JSON.stringify({
        architecture: 'amd64',
        os: 'linux',
        config: {},
        rootfs: { type: 'layers', diff_ids: [layer.digest] },
      }),
    ),
  );
  const manifest = await blob(
    Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config },
        layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', ...layer }],
      }),
    ),
  );
  await writeFile(join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  await writeFile(
    join(dir, 'index.json'),
    JSON.stringify({
      schemaVersion: 2,
      manifests: [
        {
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          ...manifest,
          annotations: { 'org.opencontainers.image.ref.name': '1' },
        },
      ],
    }),
  );
}

/** No secret in what the step printed, outside the `::add-mask::` lines that register them. */
function expectNoSecretShown(step: StepResult, secrets: readonly string[]): void {
  const stdout = step.stdout
    .split('\n')
    .filter((l) => !l.startsWith('::add-mask::'))
    .join('\n');
  const shown = `${stdout}\n${step.stderr}\n${step.summary}`;
  for (const s of secrets) expect(shown).not.toContain(s);
}

describe.skipIf(
  !(
    requireTool('docker-registry') &&
    requireTool('htpasswd') &&
    requireTool('docker') &&
    requireTool('skopeo') &&
    requireTool('podman') &&
    requireTool('buildah')
  ),
)('credential stores on real parts (default store, hangs, the Amazon ECR helper, every client)', () => {
  let world: World;
  let root: string;
  let bin: string;
  let xdg: string;
  let defaultStore: EmulatedHelper;
  const workspaces: Workspace[] = [];
  const src = () => world.get(SRC_ACCOUNT, REGION);
  const dst = () => world.get(DST_ACCOUNT, REGION);
  let n = 0;

  beforeAll(async () => {
    world = await startWorld({
      accounts: [SRC_ACCOUNT, DST_ACCOUNT],
      regions: [REGION],
      passwordLength: ECR_PASSWORD_LENGTH.roleSession,
    });
    root = await makeTempDir('e2e-stores');
    bin = join(root, 'bin');
    xdg = join(root, 'xdg');
    await mkdir(xdg, { recursive: true, mode: 0o700 });
    defaultStore = await installHelper(bin, 'secretservice', {
      kind: 'store',
      maxSecret: WINCRED_MAX_SECRET,
    });
    // The source image, pushed with an auth file of its own (no password in argv).
    const image = join(root, 'image');
    await ociImage(image);
    const authFile = join(root, 'seed-auth.json');
    const auth = Buffer.from(`AWS:${src().password}`).toString('base64');
    await writeFile(authFile, JSON.stringify({ auths: { [src().loginHost]: { auth } } }), { mode: 0o600 });
    const push = await runTool(
      'skopeo',
      [
        'copy',
        '--dest-tls-verify=false',
        '--dest-authfile',
        authFile,
        `oci:${image}:1`,
        `docker://${src().loginHost}/e2e/img:1`,
      ],
      { PATH: '/usr/bin:/bin', HOME: root, XDG_RUNTIME_DIR: xdg },
    );
    expect(push.code, push.out).toBe(0);
  }, 120_000);

  afterAll(async () => {
    await Promise.all(workspaces.map((w) => w.cleanup()));
    await world?.close();
    if (root) await removeDir(root);
  });

  beforeEach(async () => {
    await defaultStore.set({ kind: 'store', maxSecret: WINCRED_MAX_SECRET });
    await defaultStore.reset();
  });

  const path = () =>
    [bin, dirname(findTool('docker') ?? '/usr/bin/docker'), '/usr/sbin', '/usr/bin', '/sbin', '/bin'].join(
      ':',
    );

  async function job(config?: unknown): Promise<Workspace> {
    const w = await createWorkspace();
    workspaces.push(w);
    if (config !== undefined) {
      await mkdir(join(w.home, '.docker'), { recursive: true, mode: 0o700 });
      await writeFile(join(w.home, '.docker', 'config.json'), JSON.stringify(config), { mode: 0o600 });
    }
    return w;
  }

  const step = (w: Workspace, name: 'main' | 'post', inputs: Record<string, string> = {}) =>
    runStep({
      step: name,
      workspace: w,
      inputs: { registries: `${world.hosts().join(',')}`, ...inputs },
      env: { ...world.env, AWS_REGION: REGION, PATH: path() },
    });

  /** A client's env after main: the job's HOME and what main exported (DOCKER_CONFIG, REGISTRY_AUTH_FILE). */
  const clientEnv = (w: Workspace, main: StepResult): Record<string, string> => ({
    PATH: path(),
    HOME: w.home,
    XDG_RUNTIME_DIR: xdg,
    ...main.exportedEnv,
  });

  /** Copies the source image to the destination registry with a real client, as a job step would. */
  async function copy(client: Client, env: Record<string, string>, tag: string): Promise<ToolRun> {
    const from = `${src().loginHost}/e2e/img:1`;
    const to = `${dst().loginHost}/e2e/${client}:${tag}`;
    if (client === 'skopeo') {
      return runTool(
        'skopeo',
        ['copy', '--src-tls-verify=false', '--dest-tls-verify=false', `docker://${from}`, `docker://${to}`],
        env,
      );
    }
    const storage = join(root, `storage-${++n}`);
    const global = [
      '--root',
      join(storage, 'root'),
      '--runroot',
      join(storage, 'run'),
      '--storage-driver',
      'vfs',
    ];
    const pull = await runTool(client, [...global, 'pull', '--tls-verify=false', `docker://${from}`], env);
    if (pull.code !== 0) return pull;
    return runTool(client, [...global, 'push', '--tls-verify=false', from, `docker://${to}`], env);
  }

  async function expectEveryClientCopies(env: Record<string, string>, tag: string): Promise<void> {
    for (const client of CLIENTS) {
      const r = await copy(client, env, tag);
      expect(r.code, `${client}: ${r.out}`).toBe(0);
    }
  }

  it.each<[string, Record<string, string>]>([
    ['auto', {}],
    ['config-file', { 'login-method': 'config-file' }],
    ['isolate-config', { 'isolate-config': 'true' }],
  ])(
    '%s with an empty {} config: the default store is never called (main or post), and skopeo, podman and buildah copy an image',
    async (label, inputs) => {
      const w = await job({});
      const main = await step(w, 'main', inputs);
      expectOk(main);
      expect(await defaultStore.calls()).toEqual([]);
      await expectEveryClientCopies(clientEnv(w, main), label);
      const post = await step(w, 'post', inputs);
      expectOk(post);
      expect(await defaultStore.calls()).toEqual([]);
      expectNoSecretShown(main, world.secrets);
      expectNoSecretShown(post, world.secrets);
    },
  );

  it('login-method: docker on a config that already keeps credentials in the file: docker writes auths, the default store is never called, and skopeo, podman and buildah copy an image', async () => {
    // Any `auths` entry keeps the docker CLI on the file (no default-store detection).
    const w = await job({
      auths: { 'ghcr.io': { auth: Buffer.from('octocat:not-real').toString('base64') } },
    });
    const inputs = { 'login-method': 'docker' };
    const main = await step(w, 'main', inputs);
    expectOk(main);
    expect(await defaultStore.calls()).toEqual([]);
    await expectEveryClientCopies(clientEnv(w, main), 'docker');
    const post = await step(w, 'post', inputs);
    expectOk(post);
    expect(await defaultStore.calls()).toEqual([]);
    expectNoSecretShown(main, world.secrets);
    expectNoSecretShown(post, world.secrets);
  });

  it('isolate-config exports REGISTRY_AUTH_FILE: a stale containers auth.json no longer misleads skopeo', async () => {
    const w = await job({});
    // An older login in the XDG runtime dir, with a wrong password for the source registry.
    const staleDir = join(root, 'stale-xdg');
    await mkdir(join(staleDir, 'containers'), { recursive: true, mode: 0o700 });
    const wrong = Buffer.from('AWS:an-old-expired-token').toString('base64');
    await writeFile(
      join(staleDir, 'containers', 'auth.json'),
      JSON.stringify({ auths: { [src().loginHost]: { auth: wrong } } }),
    );
    const main = await step(w, 'main', { 'isolate-config': 'true' });
    expectOk(main);
    const dir = main.outputs['docker-config'] ?? '';
    expect(main.exportedEnv.REGISTRY_AUTH_FILE).toBe(join(dir, 'config.json'));
    const env: Record<string, string> = { ...clientEnv(w, main), XDG_RUNTIME_DIR: staleDir };
    expect(await skopeoView(src().loginHost, env)).toBe('authenticated');
    // Without it skopeo reads the stale file first (the reason for exporting it).
    const without = { ...env };
    delete without.REGISTRY_AUTH_FILE;
    expect(await skopeoView(src().loginHost, without)).toBe('unauthorized');
    expectOk(await step(w, 'post', { 'isolate-config': 'true' }));
  });

  it('login-method: docker with a 3,188-character token: the default store refuses it, and the message says why and how to fix it', async () => {
    const w = await job({});
    const main = await step(w, 'main', { 'login-method': 'docker', registries: world.hosts()[0] ?? '' });
    expect(main.succeeded).toBe(false);
    const log = main.maskedLog;
    expect(log).toContain('docker-credential-secretservice');
    expect(log).toContain('The stub received bad data.');
    expect(log).toContain('at most 2,500 characters');
    expect(log).toContain('3,188 characters');
    expect(log).toContain('login-method: auto');
    expect(log).toContain('isolate-config: true');
    // The store was asked (docker chose it for the empty config) and holds nothing.
    expect(await defaultStore.calls()).toEqual([{ verb: 'store', host: src().loginHost }]);
    expect(await defaultStore.held()).toEqual({});
    expectNoSecretShown(main, world.secrets);
  });

  it('a credsStore that never answers (a locked keychain): docker and the helper are killed at the timeout, with the osxkeychain message', async () => {
    const hang = await installHelper(bin, 'osxkeychain', { kind: 'hang' });
    const w = await job({ credsStore: 'osxkeychain' });
    const main = await step(w, 'main', { registries: world.hosts()[0] ?? '', 'api-timeout-seconds': '2' });
    expect(main.timedOut).toBe(false);
    expect(main.succeeded).toBe(false);
    const log = main.maskedLog;
    expect(log).toContain('did not finish within 2 s: docker-credential-osxkeychain never answered');
    expect(log).toContain('a locked login keychain on a self-hosted Mac');
    expect(log).toContain('security unlock-keychain');
    expect(log).toContain('isolate-config: true');
    const pids = await hang.pids();
    expect(pids.length).toBeGreaterThan(0);
    for (const pid of pids)
      await vi.waitFor(() => expect(alive(pid)).toBe(false), { timeout: 10_000, interval: 100 });
    expectNoSecretShown(main, world.secrets);
  });

  it.each<[string, HelperBehaviour | undefined, string[]]>([
    [
      'exits non-zero',
      { kind: 'fail', code: 2, message: 'the vault is sealed' },
      ['failed: Error saving credentials', 'the vault is sealed'],
    ],
    ['is not on PATH', undefined, ['which is not on PATH', 'install docker-credential-broken']],
  ])(
    'a credsStore helper that %s: one message naming the helper and the host, no secret',
    async (_, b, says) => {
      if (b) await installHelper(bin, 'broken', b);
      const w = await job({ credsStore: b ? 'broken' : 'absent' });
      const main = await step(w, 'main', { registries: world.hosts()[0] ?? '' });
      expect(main.succeeded).toBe(false);
      const name = b ? 'broken' : 'absent';
      const log = main.maskedLog;
      expect(log).toContain(`docker login for ${src().loginHost} failed`);
      expect(log).toContain(`docker-credential-${name}`);
      for (const s of says) expect(log).toContain(s.replace('broken', name));
      expect(log).toContain('isolate-config: true');
      expectNoSecretShown(main, world.secrets);
    },
  );

  it('auto with a credsStore: docker login feeds the store AND every client sees the credential; post clears both', async () => {
    await defaultStore.set({ kind: 'store' });
    const w = await job({ credsStore: 'secretservice' });
    const main = await step(w, 'main');
    expectOk(main);
    const hosts = [src().loginHost, dst().loginHost];
    expect((await defaultStore.calls()).filter((c) => c.verb === 'store').map((c) => c.host)).toEqual(hosts);
    await expectEveryClientCopies(clientEnv(w, main), 'creds-store');
    // Control: without our auths entry containers/image finds only docker's marker and is refused.
    const configFile = join(w.home, '.docker', 'config.json');
    const config = JSON.parse(await readFile(configFile, 'utf8'));
    const markerHome = join(root, `marker-${++n}`);
    await mkdir(join(markerHome, '.docker'), { recursive: true });
    await writeFile(
      join(markerHome, '.docker', 'config.json'),
      JSON.stringify({ ...config, auths: { ...config.auths, [src().loginHost]: {} } }),
    );
    expect(await skopeoView(src().loginHost, { PATH: path(), HOME: markerHome, XDG_RUNTIME_DIR: xdg })).toBe(
      'unauthorized',
    );
    expectOk(await step(w, 'post'));
    expect(await defaultStore.held()).toEqual({});
    expect(JSON.parse(await readFile(configFile, 'utf8'))).toEqual({
      credsStore: 'secretservice',
      auths: {},
    });
  });

  describe('a host the Amazon ECR credential helper serves', () => {
    it('is checked with its get, logged and summarised as served, never written, left alone by post; outputs set', async () => {
      const ecrHelper = await installHelper(bin, 'ecr-login', {
        kind: 'ecr-login',
        credentials: { [src().loginHost]: { Username: 'AWS', Secret: src().password } },
      });
      await ecrHelper.reset();
      const seed = { credHelpers: { [src().loginHost]: 'ecr-login' } };
      const w = await job(seed);
      const configFile = join(w.home, '.docker', 'config.json');
      const main = await step(w, 'main');
      expectOk(main);
      expect(main.maskedLog).toContain(`Logged in to ${src().loginHost} (Amazon ECR credential helper)`);
      expect(main.summary).toContain('Amazon ECR credential helper');
      expect(await ecrHelper.calls()).toEqual([{ verb: 'get', host: src().loginHost }]);
      const key = src().loginHost.replace(/[^a-zA-Z0-9_]+/g, '_');
      expect(main.outputs[`docker_password_${key}`]).toBe(world.tokenPasswordOf(src().loginHost));
      const after = JSON.parse(await readFile(configFile, 'utf8'));
      expect(after.credHelpers).toEqual(seed.credHelpers);
      expect(Object.keys(after.auths ?? {})).toEqual([dst().loginHost]);
      // skopeo runs the helper for the source, reads the file for the destination.
      const r = await copy('skopeo', clientEnv(w, main), 'ecr-helper');
      expect(r.code, r.out).toBe(0);
      const post = await step(w, 'post');
      expectOk(post);
      expect(JSON.parse(await readFile(configFile, 'utf8'))).toEqual({ ...seed, auths: {} });
      expect((await ecrHelper.calls()).filter((c) => c.verb !== 'get')).toEqual([]);
    });

    it('fails naming the helper and the fixes when its get fails', async () => {
      await installHelper(bin, 'ecr-login', {
        kind: 'ecr-login',
        credentials: {},
        failGet: 'error getting credentials - err: NoCredentialProviders: no valid providers in chain',
      });
      const w = await job({ credHelpers: { [src().loginHost]: 'ecr-login' } });
      const main = await step(w, 'main');
      expect(main.succeeded).toBe(false);
      expect(main.maskedLog).toContain('docker-credential-ecr-login get for');
      expect(main.maskedLog).toContain('NoCredentialProviders');
      expect(main.maskedLog).toContain("drop the docker config's ecr-login entry");
      expect(main.maskedLog).toContain('isolate-config: true');
    });
  });
});
