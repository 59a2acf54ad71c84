// login-method: helper end to end: the action's built main and post bundles run as the runner runs them
// (runner emulator: GITHUB_PATH, GITHUB_ENV, state), the ECR stand-in issues short-lived tokens, an
// ECR-like front refuses an expired one as ECR does before a REAL docker-registry, and REAL clients
// (skopeo, podman, buildah, the docker CLI) run in later "steps" with the PATH the runner gives them, their
// own AWS keys and no endpoint settings: a refresh uses the endpoint main recorded in the helper's cache.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, removeDir, waitFor } from '../support/daemon.js';
import { type EcrStandIn, startEcrStandIn } from '../support/ecr-stand-in.js';
import { type ExpiringFront, startExpiringFront } from '../support/expiring-front.js';
import { writeOciImage } from '../support/oci-image.js';
import { type Registry, requireTool, startRegistry } from '../support/registry.js';
import { createWorkspace, runStep, type StepResult, type Workspace } from '../support/runner.js';
import { findTool } from '../support/tools.js';
import { type ClientConfig, readConfig, runTool, type ToolRun } from './clients.js';

const ready =
  requireTool('docker-registry') && requireTool('htpasswd') && requireTool('skopeo') && requireTool('docker');
const ACCOUNT = '111111111111';
const REGION = 'us-east-1';
const MAIN_KEY = 'AKIAHELPERMAINSTEP01';
const CLIENT_KEY = 'AKIAHELPERCLIENT0001';
const CLIENT_SECRET = 'helper-client-secret-not-printed';
/** Short-lived tokens, renewed this close to expiry (ECR_LOGIN_HELPER_MARGIN_SECONDS). */
const SHORT_TTL_SECONDS = 8;
const MARGIN_SECONDS = 2;
const SYSTEM_PATH = ['/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'].join(delimiter);

describe.skipIf(!ready)('login-method: helper through the action (main, clients, post)', () => {
  let temp: string;
  let registry: Registry;
  let standIn: EcrStandIn;
  let front: ExpiringFront;
  let image: string;
  const workspaces: Workspace[] = [];
  const shortDirs: string[] = [];

  beforeAll(async () => {
    temp = await makeTempDir('helper-e2e');
    registry = await startRegistry({ password: 'helper-e2e-account-pw' });
    // The caller's own registry (no `registries`): the stand-in answers with the front's address.
    standIn = await startEcrStandIn({ accounts: {}, defaultAccount: ACCOUNT, distinctTokens: true });
    front = await startExpiringFront(registry.url, standIn);
    standIn.config.accounts[`${ACCOUNT}/${REGION}`] = {
      proxyEndpoint: front.url,
      password: registry.password,
    };
    image = await writeOciImage(join(temp, 'image'));
  });
  afterAll(async () => {
    await Promise.all(workspaces.map((w) => w.cleanup()));
    await Promise.all(shortDirs.map((d) => removeDir(d)));
    await front?.close();
    await standIn?.close();
    await registry?.close();
    if (temp) await removeDir(temp);
  });

  const tokenCalls = () => standIn.requests.filter((r) => r.status === 200).length;

  async function job(): Promise<Workspace> {
    const w = await createWorkspace();
    workspaces.push(w);
    await mkdir(join(w.home, 'xdg'), { recursive: true, mode: 0o700 });
    return w;
  }

  /** main or post of the action in `w`, signed with the step's own keys, AWS pointed at the stand-in. */
  const step = (w: Workspace, name: 'main' | 'post', inputs: Record<string, string> = {}) =>
    runStep({
      step: name,
      workspace: w,
      inputs,
      env: {
        PATH: SYSTEM_PATH,
        AWS_ACCESS_KEY_ID: MAIN_KEY,
        AWS_SECRET_ACCESS_KEY: 'main-step-secret',
        AWS_REGION: REGION,
        AWS_ENDPOINT_URL_ECR: standIn.url,
        AWS_EC2_METADATA_DISABLED: 'true',
        ECR_LOGIN_HELPER_MARGIN_SECONDS: String(MARGIN_SECONDS),
      },
    });

  /** A later step's client: the runner's PATH (GITHUB_PATH first), the job's HOME and exports, its own keys. */
  function clientEnv(w: Workspace): Record<string, string> {
    const xdg = join(w.home, 'xdg');
    return {
      PATH: [...w.pathAdditions, SYSTEM_PATH].join(delimiter),
      HOME: w.home,
      XDG_RUNTIME_DIR: xdg,
      ...w.exportedEnv,
      AWS_ACCESS_KEY_ID: CLIENT_KEY,
      AWS_SECRET_ACCESS_KEY: CLIENT_SECRET,
      AWS_EC2_METADATA_DISABLED: 'true',
    };
  }

  const dockerConfigDir = (w: Workspace) => w.exportedEnv.DOCKER_CONFIG ?? join(w.home, '.docker');
  const config = async (w: Workspace): Promise<ClientConfig> => readConfig(dockerConfigDir(w));
  const push = (w: Workspace, tag: string) =>
    runTool(
      'skopeo',
      ['copy', '--dest-tls-verify=false', image, `docker://${front.host}/e2e/app:${tag}`],
      clientEnv(w),
    );
  const inspect = (w: Workspace) =>
    runTool('skopeo', ['inspect', '--tls-verify=false', `docker://${front.host}/e2e/app:v1`], clientEnv(w));

  async function expectOk(r: StepResult): Promise<void> {
    expect(r.succeeded, r.maskedLog).toBe(true);
  }

  /** Runs main with the stand-in issuing short-lived tokens; returns the step. */
  async function login(w: Workspace, inputs: Record<string, string>): Promise<StepResult> {
    standIn.config.tokenTtlSeconds = SHORT_TTL_SECONDS;
    const main = await step(w, 'main', inputs);
    await expectOk(main);
    return main;
  }

  /** Waits until every token issued so far has expired at the front, then lets the stand-in issue long ones. */
  async function outliveTokens(): Promise<void> {
    const deadline = Date.now() + SHORT_TTL_SECONDS * 1000 + 500;
    await waitFor(
      'the short-lived tokens to expire',
      () => (Date.now() > deadline ? true : undefined),
      30_000,
    );
    standIn.config.tokenTtlSeconds = 3600;
  }

  /** Post leaves no credHelpers entry naming our helper, no helper home, and says so without a warning. */
  async function expectCleanPost(w: Workspace, helperName: string): Promise<void> {
    const post = await step(w, 'post');
    await expectOk(post);
    expect(post.commands.filter((c) => c.name === 'warning')).toEqual([]);
    const dir = dockerConfigDir(w);
    // A job-private config (isolate-config) goes whole; the user's keeps no entry naming our helper.
    if (w.exportedEnv.DOCKER_CONFIG) expect(existsSync(dir)).toBe(false);
    else expect(Object.values((await config(w)).credHelpers ?? {})).not.toContain(helperName);
    expect((await readdir(w.runnerTemp)).filter((n) => n.startsWith('ecr-login-helper-'))).toEqual([]);
  }

  const helperOf = async (w: Workspace) => (await config(w)).credHelpers?.[front.host] ?? '';

  it('a push outlives its token and pushes again through a refresh; the file method fails (403)', async () => {
    const [helperJob, fileJob] = await Promise.all([job(), job()]);
    const main = await login(helperJob, { 'login-method': 'helper' });
    await login(fileJob, { 'login-method': 'config-file' });
    // Same outputs and summary as any method; the config names the helper, whose launcher is on PATH.
    expect(main.outputs.registry).toBe(front.host);
    expect(main.summary).toContain('credential helper');
    const name = await helperOf(helperJob);
    expect(name).toMatch(/^ecr-login-job-[0-9a-f]{8}$/);
    expect(helperJob.pathAdditions).toHaveLength(1);
    expect(existsSync(join(helperJob.pathAdditions[0] ?? '', `docker-credential-${name}`))).toBe(true);
    expect((await config(helperJob)).auths?.[front.host]).toBeUndefined();

    for (const w of [helperJob, fileJob]) {
      const first = await push(w, 'v1');
      expect(first.code, first.out).toBe(0);
    }
    await outliveTokens();
    const callsBefore = tokenCalls();

    const refusedBefore = front.refused;
    const stale = await push(fileJob, 'v1');
    expect(stale.code).not.toBe(0);
    expect(stale.out).toMatch(/403|forbidden|authorization token has expired/i);
    expect(front.refused).toBeGreaterThan(refusedBefore);
    expect(tokenCalls()).toBe(callsBefore);

    const again = await push(helperJob, 'v1');
    expect(again.code, again.out).toBe(0);
    expect(tokenCalls()).toBe(callsBefore + 1);
    // The refresh signed with the client's keys, not main's.
    expect(standIn.requests.at(-1)?.accessKeyId).toBe(CLIENT_KEY);
    const secrets = [CLIENT_SECRET, registry.password];
    for (const s of secrets) expect(again.out).not.toContain(s);

    await expectCleanPost(helperJob, name);
    // After post the client no longer has a helper for the host: anonymous, refused.
    const after = await push(helperJob, 'after-post');
    expect(after.code).not.toBe(0);
  });

  it('eight clients asking at once after expiry make one GetAuthorizationToken call', async () => {
    const w = await job();
    await login(w, { 'login-method': 'helper', 'isolate-config': 'true' });
    const name = await helperOf(w);
    expect(dockerConfigDir(w)).not.toBe(join(w.home, '.docker'));
    await outliveTokens();
    const callsBefore = tokenCalls();
    const runs = await Promise.all(Array.from({ length: 8 }, () => inspect(w)));
    for (const r of runs) expect(r.code, r.out).toBe(0);
    expect(tokenCalls()).toBe(callsBefore + 1);
    await expectCleanPost(w, name);
  });

  it('the real docker CLI logs in and out of the served host without breaking it', async () => {
    const w = await job();
    await login(w, { 'login-method': 'helper' });
    standIn.config.tokenTtlSeconds = 3600;
    const env = clientEnv(w);
    const docker = (args: string[], input = '') =>
      new Promise<ToolRun>((resolve) => {
        const child = execFile(
          findTool('docker') ?? 'docker',
          args,
          { env, timeout: 30_000 },
          (err, stdout, stderr) =>
            resolve({
              code: err ? Number((err as { code?: unknown }).code) || 1 : 0,
              out: `${stdout}${stderr}`,
            }),
        );
        child.stdin?.end(input);
      });
    const name = await helperOf(w);
    // docker proves the password with the registry itself, then hands it to the helper's `store`.
    const loggedIn = await docker(
      ['login', '--username', 'AWS', '--password-stdin', front.host],
      registry.password,
    );
    expect(loggedIn.code, loggedIn.out).toBe(0);
    expect(loggedIn.out).toMatch(/Login Succeeded/);
    expect((await config(w)).credHelpers?.[front.host]).toBe(name);
    const logout = await docker(['logout', front.host]);
    expect(logout.code, logout.out).toBe(0);
    expect(logout.out).not.toMatch(/could not erase|error/i);
    const after = await push(w, 'after-logout');
    expect(after.code, after.out).toBe(0);
    await expectCleanPost(w, name);
  });

  it('a refresh without AWS credentials fails in one line naming the host, quoted by the client', async () => {
    const w = await job();
    await login(w, { 'login-method': 'helper' });
    const name = await helperOf(w);
    await outliveTokens();
    const env = clientEnv(w);
    for (const key of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY']) delete env[key];
    env.AWS_CONFIG_FILE = join(w.home, 'no-aws-config');
    env.AWS_SHARED_CREDENTIALS_FILE = join(w.home, 'no-aws-credentials');
    const callsBefore = tokenCalls();
    const r = await runTool(
      'skopeo',
      ['inspect', '--tls-verify=false', `docker://${front.host}/e2e/app:v1`],
      env,
    );
    expect(r.code).not.toBe(0);
    // The helper's one line, as skopeo quotes it: host, cause and fix (the diagnosis's own words).
    const line = new RegExp(
      `ecr-login credential helper: ${front.host.replace(/\./g, '\\.')}: cannot refresh the ECR token: ` +
        '[^\\n]*CredentialsProviderError: no AWS credentials were found [^\\n]* Cause: [^\\n]* Fix: ',
    );
    expect(r.out).toMatch(line);
    expect(tokenCalls()).toBe(callsBefore);
    for (const s of [CLIENT_SECRET, registry.password, 'main-step-secret']) expect(r.out).not.toContain(s);
    await expectCleanPost(w, name);
  });

  describe.skipIf(!(requireTool('podman') && requireTool('buildah')))('podman and buildah', () => {
    it('push through the helper after expiry: podman refreshes, buildah gets that token', async () => {
      const w = await job();
      await login(w, { 'login-method': 'helper' });
      const name = await helperOf(w);
      // podman refuses a runroot path over 50 characters, and names a pulled OCI layout after its path,
      // which must be lower case: a short lower-case directory under /tmp, removed with the suite.
      const short = `/tmp/ecrh-${randomBytes(4).toString('hex')}`;
      await mkdir(short, { mode: 0o700 });
      shortDirs.push(short);
      const local = await writeOciImage(join(short, 'img'));
      const storage = (tool: string) => [
        '--root',
        join(short, tool, 'root'),
        '--runroot',
        join(short, tool, 'run'),
        '--storage-driver',
        'vfs',
      ];
      const env = clientEnv(w);
      const pull = await runTool('podman', [...storage('podman'), 'pull', '--quiet', local], env);
      expect(pull.code, pull.out).toBe(0);
      const id = pull.out.trim();
      const buildahFrom = await runTool('buildah', [...storage('buildah'), 'pull', '--quiet', local], env);
      expect(buildahFrom.code, buildahFrom.out).toBe(0);
      const buildahId = buildahFrom.out.trim();
      await outliveTokens();
      const callsBefore = tokenCalls();
      const podman = await runTool(
        'podman',
        [...storage('podman'), 'push', '--tls-verify=false', id, `docker://${front.host}/e2e/podman:v1`],
        env,
      );
      expect(podman.code, podman.out).toBe(0);
      expect(tokenCalls()).toBe(callsBefore + 1);
      const buildah = await runTool(
        'buildah',
        [
          ...storage('buildah'),
          'push',
          '--tls-verify=false',
          buildahId,
          `docker://${front.host}/e2e/buildah:v1`,
        ],
        env,
      );
      expect(buildah.code, buildah.out).toBe(0);
      expect(tokenCalls()).toBe(callsBefore + 1); // the token podman's refresh cached
      await expectCleanPost(w, name);
    });
  });
});
