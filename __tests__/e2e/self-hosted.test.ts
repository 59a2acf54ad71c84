// Self-hosted runner safety, end to end: the dist bundles run as the Actions runner runs them, against the
// ECR stand-in, REAL docker-registry instances, the REAL docker CLI, REAL skopeo (containers/image: a
// non-docker client) and a fake credential helper (`docker-credential-fake`, driven by the real docker CLI
// and by skopeo) that records every call. Proves isolate-config (a job-private DOCKER_CONFIG under
// RUNNER_TEMP) keeps our credentials out of the user's config and out of any shared credential helper,
// and that without it a helper-owned host goes through `docker login` / `docker logout`.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, cp, mkdir, readdir, readFile, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, removeDir } from '../support/daemon.js';
import { type EcrStandIn, startEcrStandIn } from '../support/ecr-stand-in.js';
import { type Registry, requireTool, startRegistries } from '../support/registry.js';
import { createWorkspace, runStep, type StepResult, type Workspace } from '../support/runner.js';
import { findTool } from '../support/tools.js';

const REGION = 'us-east-1';
const ACCOUNTS = ['111111111111', '222222222222', '333333333333'];

const b64 = (s: string) => Buffer.from(s).toString('base64');
const mode = async (p: string) => (await stat(p)).mode & 0o777;

interface Helper {
  bin: string;
  /** Every call the docker CLI (or skopeo) made: op and stdin. */
  calls(): Promise<{ op: string; input: string }[]>;
  /** Secrets the helper holds, by server URL. */
  store(): Promise<Record<string, { ServerURL: string; Username: string; Secret: string }>>;
  seed(entries: Record<string, { Username: string; Secret: string }>): Promise<void>;
  reset(): Promise<void>;
}

/** `docker-credential-fake`: the credential-helper protocol (store|get|erase|list, JSON on stdin), recorded. */
async function fakeHelper(root: string): Promise<Helper> {
  const bin = join(root, 'helper-bin');
  await mkdir(bin, { recursive: true });
  const log = join(root, 'helper-calls.jsonl');
  const storeFile = join(root, 'helper-store.json');
  const script = `#!${process.execPath}
const fs = require('node:fs');
const op = process.argv[2] || '';
const input = op === 'list' ? '' : fs.readFileSync(0, 'utf8');
fs.appendFileSync(${JSON.stringify(log)}, JSON.stringify({ op, input }) + '\\n');
let store = {};
try { store = JSON.parse(fs.readFileSync(${JSON.stringify(storeFile)}, 'utf8')); } catch {}
const save = () => fs.writeFileSync(${JSON.stringify(storeFile)}, JSON.stringify(store));
if (op === 'store') { const c = JSON.parse(input); store[c.ServerURL] = c; save(); }
else if (op === 'get') {
  const c = store[input.trim()];
  if (!c) { process.stdout.write('credentials not found in native keychain'); process.exit(1); }
  process.stdout.write(JSON.stringify(c));
} else if (op === 'erase') { delete store[input.trim()]; save(); }
else if (op === 'list') {
  process.stdout.write(JSON.stringify(Object.fromEntries(Object.values(store).map((c) => [c.ServerURL, c.Username]))));
} else { process.stdout.write('unknown op ' + op); process.exit(1); }
`;
  await writeFile(join(bin, 'docker-credential-fake'), script);
  await chmod(join(bin, 'docker-credential-fake'), 0o755);
  const readJson = async <T>(f: string, empty: T): Promise<T> =>
    existsSync(f) ? (JSON.parse(await readFile(f, 'utf8')) as T) : empty;
  const helper: Helper = {
    bin,
    calls: async () =>
      existsSync(log)
        ? (await readFile(log, 'utf8'))
            .split('\n')
            .filter(Boolean)
            .map((l) => JSON.parse(l) as { op: string; input: string })
        : [],
    store: () => readJson(storeFile, {}),
    seed: (entries) =>
      writeFile(
        storeFile,
        JSON.stringify(
          Object.fromEntries(Object.entries(entries).map(([url, c]) => [url, { ServerURL: url, ...c }])),
        ),
      ),
    reset: async () => {
      await writeFile(log, '');
      await writeFile(storeFile, '{}');
    },
  };
  await helper.reset();
  return helper;
}

/** A `docker` on PATH that records its arguments (never the password: that goes in on stdin) and runs the real CLI. */
async function recordingDocker(
  root: string,
  realDocker: string,
): Promise<{ bin: string; calls(): Promise<string[]> }> {
  const bin = join(root, 'docker-bin');
  await mkdir(bin, { recursive: true });
  const log = join(root, 'docker-calls.log');
  await writeFile(log, '');
  await writeFile(
    join(bin, 'docker'),
    `#!/bin/sh\nprintf '%s\\n' "$*" >> ${JSON.stringify(log)}\nexec ${JSON.stringify(realDocker)} "$@"\n`,
  );
  await chmod(join(bin, 'docker'), 0o755);
  return {
    bin,
    calls: async () => (await readFile(log, 'utf8')).split('\n').filter(Boolean),
  };
}

function run(cmd: string, args: string[], env: Record<string, string>) {
  return new Promise<{ code: number; out: string }>((resolve) => {
    execFile(cmd, args, { env, timeout: 30_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? Number((err as { code?: unknown }).code) || 1 : 0, out: `${stdout}${stderr}` }),
    );
  });
}

describe.skipIf(
  !(
    requireTool('docker-registry') &&
    requireTool('htpasswd') &&
    requireTool('docker') &&
    requireTool('skopeo')
  ),
)('self-hosted runner safety (isolate-config, credential helpers)', () => {
  let regs: Registry[] = [];
  let ecr: EcrStandIn;
  let root = '';
  let helper: Helper;
  let docker: { bin: string; calls(): Promise<string[]> };
  let xdg = '';
  const passwords = ACCOUNTS.map(() => `pw-${randomBytes(9).toString('hex')}`);
  const host = (i: number) => regs[i]?.host ?? '';
  const workspaces: Workspace[] = [];

  beforeAll(async () => {
    regs = await startRegistries(ACCOUNTS.length, passwords);
    ecr = await startEcrStandIn({
      accounts: Object.fromEntries(
        ACCOUNTS.map((a, i) => [
          `${a}/${REGION}`,
          { proxyEndpoint: regs[i]?.url ?? '', password: passwords[i] ?? '' },
        ]),
      ),
      defaultAccount: ACCOUNTS[0] ?? '',
    });
    root = await makeTempDir('e2e-self-hosted');
    helper = await fakeHelper(root);
    const real = findTool('docker');
    if (!real) throw new Error('docker not found');
    docker = await recordingDocker(root, real);
    xdg = join(root, 'xdg-runtime');
    await mkdir(xdg, { mode: 0o700 });
  });
  afterAll(async () => {
    await ecr?.close();
    await Promise.all(regs.map((r) => r.close()));
    await Promise.all(workspaces.map((w) => w.cleanup()));
    if (root) await removeDir(root);
  });

  async function job(): Promise<Workspace> {
    const w = await createWorkspace();
    workspaces.push(w);
    return w;
  }

  /** Job env: AWS pointed at the stand-in; PATH = recording docker + fake helper + system dirs (no other docker). */
  const jobEnv = (): Record<string, string> => ({
    PATH: [docker.bin, helper.bin, '/usr/sbin', '/usr/bin', '/sbin', '/bin'].join(':'),
    AWS_ACCESS_KEY_ID: 'AKIAE2ESELFHOSTED001',
    AWS_SECRET_ACCESS_KEY: 'e2e-not-a-secret',
    AWS_REGION: REGION,
    AWS_ENDPOINT_URL_ECR: ecr.url,
    AWS_EC2_METADATA_DISABLED: 'true',
  });

  const step = (w: Workspace, name: 'main' | 'post', inputs: Record<string, string> = {}) =>
    runStep({ step: name, workspace: w, inputs, env: jobEnv() });

  const expectOk = (r: StepResult) => {
    expect(r.succeeded, `${r.step} failed:\n${r.maskedLog}\n${r.runnerMessages.join('\n')}`).toBe(true);
  };

  /** Env for a client that reads docker config: only what we set (no REGISTRY_AUTH_FILE, an empty XDG runtime dir). */
  const clientEnv = (w: Workspace, dockerConfig?: string): Record<string, string> => ({
    PATH: [helper.bin, '/usr/local/bin', '/usr/bin', '/bin'].join(':'),
    HOME: w.home,
    XDG_RUNTIME_DIR: xdg,
    ...(dockerConfig ? { DOCKER_CONFIG: dockerConfig } : {}),
  });

  /** skopeo inspect of a repository that does not exist: "manifest unknown" = authenticated, "unauthorized" = not. */
  async function skopeoView(
    h: string,
    env: Record<string, string>,
  ): Promise<'authenticated' | 'unauthorized'> {
    const r = await run('skopeo', ['inspect', '--tls-verify=false', `docker://${h}/e2e/absent:latest`], env);
    if (/manifest unknown/i.test(r.out)) return 'authenticated';
    if (/unauthorized|authentication required/i.test(r.out)) return 'unauthorized';
    throw new Error(`skopeo inspect ${h}: unexpected answer (exit ${r.code}): ${r.out}`);
  }

  /** `docker logout <host>` on a throw-away copy of `dir`: the real CLI's verdict on what the config holds. */
  async function dockerLogoutOnCopy(dir: string, h: string, w: Workspace): Promise<string> {
    const copy = await makeTempDir('e2e-config-copy');
    try {
      await cp(dir, copy, { recursive: true });
      const real = findTool('docker') ?? 'docker';
      const r = await run(real, ['logout', h], { ...clientEnv(w), DOCKER_CONFIG: copy });
      expect(r.code, r.out).toBe(0);
      return r.out;
    } finally {
      await removeDir(copy);
    }
  }

  async function writeUserConfig(w: Workspace, config: unknown) {
    const dir = join(w.home, '.docker');
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const file = join(dir, 'config.json');
    await writeFile(file, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
    // An old mtime: any rewrite, even of identical bytes, would show.
    const past = new Date('2024-01-02T03:04:05Z');
    await utimes(file, past, past);
    return { dir, file, bytes: await readFile(file), mtimeMs: (await stat(file)).mtimeMs };
  }

  async function expectUntouched(user: { dir: string; file: string; bytes: Buffer; mtimeMs: number }) {
    expect((await readFile(user.file)).equals(user.bytes)).toBe(true);
    expect((await stat(user.file)).mtimeMs).toBe(user.mtimeMs);
    expect(await readdir(user.dir)).toEqual(['config.json']);
  }

  const readConfig = async (dir: string) =>
    JSON.parse(await readFile(join(dir, 'config.json'), 'utf8')) as {
      auths?: Record<string, { auth?: string }>;
      credsStore?: string;
      credHelpers?: Record<string, string>;
      [k: string]: unknown;
    };

  it('isolate-config: a 0700 dir under RUNNER_TEMP, seeded, exported, removed by post; the user config is never written', async () => {
    const w = await job();
    const user = await writeUserConfig(w, {
      auths: { 'earlier.example:5000': { auth: b64('bob:earlier-login') } },
      proxies: { default: { httpProxy: 'http://proxy.invalid:3128', noProxy: '127.0.0.1,localhost' } },
      detachKeys: 'ctrl-e,e',
      psFormat: 'table {{.ID}}',
    });

    const main = await step(w, 'main', { registries: ACCOUNTS[0] ?? '', 'isolate-config': 'true' });
    expectOk(main);
    const dir = main.outputs['docker-config'] ?? '';
    expect(dir.startsWith(`${w.runnerTemp}/`)).toBe(true);
    expect(main.exportedEnv.DOCKER_CONFIG).toBe(dir);
    expect(main.outputs.registry).toBe(host(0));
    expect(await mode(dir)).toBe(0o700);
    expect(await mode(join(dir, 'config.json'))).toBe(0o600);
    expect(await readdir(dir)).toEqual(['config.json']); // no lock, no temp file left
    const priv = await readConfig(dir);
    expect(priv).toEqual({
      auths: {
        'earlier.example:5000': { auth: b64('bob:earlier-login') },
        [host(0)]: { auth: b64(`AWS:${passwords[0]}`) },
      },
      proxies: { default: { httpProxy: 'http://proxy.invalid:3128', noProxy: '127.0.0.1,localhost' } },
      detachKeys: 'ctrl-e,e',
      psFormat: 'table {{.ID}}',
    });
    await expectUntouched(user);

    // Real clients: through the exported DOCKER_CONFIG the registry accepts us; through the user's config it does not.
    expect(await skopeoView(host(0), clientEnv(w, dir))).toBe('authenticated');
    expect(await skopeoView(host(0), clientEnv(w))).toBe('unauthorized');
    // The earlier login seeded into the private config keeps working.
    const earlier = await run('skopeo', ['login', '--get-login', 'earlier.example:5000'], clientEnv(w, dir));
    expect(earlier.out.trim()).toBe('bob');
    expect(await dockerLogoutOnCopy(dir, host(0), w)).toContain(`Removing login credentials for ${host(0)}`);

    const post = await step(w, 'post');
    expectOk(post);
    expect(existsSync(dir)).toBe(false);
    await expectUntouched(user);
    // A job that did not outlive its tokens gets no expiry warning.
    expect(post.commands.filter((c) => c.name === 'warning')).toEqual([]);
    expect(await docker.calls()).toEqual([]);
  });

  it('isolate-config with credsStore / credHelpers: our hosts land in the private file, never in the helper; other hosts keep it', async () => {
    await helper.reset();
    await helper.seed({ 'other.example': { Username: 'carol', Secret: 'carol-secret' } });
    const before = (await docker.calls()).length;
    const w = await job();
    const seeded = {
      auths: { 'other.example': {} }, // how the docker CLI marks a host whose secret is in credsStore
      credsStore: 'fake',
      credHelpers: { [host(1)]: 'fake', 'helper-only.example': 'fake' },
    };
    const user = await writeUserConfig(w, seeded);

    const main = await step(w, 'main', {
      registries: `${ACCOUNTS[0]}\n${ACCOUNTS[1]}`,
      'isolate-config': 'true',
    });
    expectOk(main);
    const dir = main.exportedEnv.DOCKER_CONFIG ?? '';
    expect(main.outputs['docker-config']).toBe(dir);
    expect(main.summary).toContain('config file');
    expect(main.summary).not.toContain('docker CLI');
    expect(await helper.calls()).toEqual([]);
    expect((await docker.calls()).length).toBe(before);

    const priv = await readConfig(dir);
    expect(priv.auths?.[host(0)]).toEqual({ auth: b64(`AWS:${passwords[0]}`) });
    expect(priv.auths?.[host(1)]).toEqual({ auth: b64(`AWS:${passwords[1]}`) });
    expect(await mode(join(dir, 'config.json'))).toBe(0o600);
    await expectUntouched(user);

    // A real non-docker client reads our hosts from the private file (no helper call for them)…
    expect(await skopeoView(host(0), clientEnv(w, dir))).toBe('authenticated');
    expect(await skopeoView(host(1), clientEnv(w, dir))).toBe('authenticated');
    // …the real docker CLI finds them in the file too…
    expect(await dockerLogoutOnCopy(dir, host(0), w)).toContain(`Removing login credentials for ${host(0)}`);
    expect(await dockerLogoutOnCopy(dir, host(1), w)).toContain(`Removing login credentials for ${host(1)}`);
    const ours = new RegExp(`${host(0)}|${host(1)}`.replace(/\./g, '\\.'));
    expect(await helper.calls()).toEqual([]);
    // …while other hosts keep their helper: the real docker CLI logs them out through it.
    await helper.reset();
    await dockerLogoutOnCopy(dir, 'other.example', w);
    await dockerLogoutOnCopy(dir, 'helper-only.example', w);
    const calls = await helper.calls();
    expect(calls.some((c) => c.op === 'erase' && c.input.trim() === 'other.example')).toBe(true);
    expect(calls.some((c) => c.op === 'erase' && c.input.trim() === 'helper-only.example')).toBe(true);
    expect(calls.filter((c) => ours.test(c.input))).toEqual([]);

    await helper.reset();
    const post = await step(w, 'post');
    expectOk(post);
    expect(existsSync(dir)).toBe(false);
    expect(await helper.calls()).toEqual([]);
    expect((await docker.calls()).length).toBe(before);
    await expectUntouched(user);
  });

  it('without isolate-config (auto): a helper-owned host goes docker login → store, post docker logout → erase; a file host never starts docker', async () => {
    await helper.reset();
    const before = (await docker.calls()).length;
    const w = await job();
    const user = await writeUserConfig(w, {
      auths: { 'keep.example': { auth: b64('dave:keep') } },
      credHelpers: { [host(0)]: 'fake', 'unrelated.example': 'fake' },
    });

    const main = await step(w, 'main', { registries: `${ACCOUNTS[0]},${ACCOUNTS[1]}` });
    expectOk(main);
    expect(main.outputs.registries).toBe(`${host(0)},${host(1)}`);
    expect(main.exportedEnv).toEqual({});
    expect(main.outputs['docker-config']).toBe(user.dir);
    expect((await docker.calls()).slice(before)).toEqual([
      `login --username AWS --password-stdin ${host(0)}`,
    ]);
    const stores = (await helper.calls()).filter((c) => c.op === 'store');
    expect(stores.map((c) => JSON.parse(c.input))).toEqual([
      { ServerURL: host(0), Username: 'AWS', Secret: passwords[0] },
    ]);
    expect((await helper.calls()).some((c) => c.input.includes(host(1)))).toBe(false);
    const shared = await readConfig(user.dir);
    expect(shared.auths?.[host(1)]).toEqual({ auth: b64(`AWS:${passwords[1]}`) });
    expect(shared.auths?.[host(0)]?.auth).toBeUndefined(); // the secret is with the helper, not in the file
    expect(shared.auths?.['keep.example']).toEqual({ auth: b64('dave:keep') });
    expect(shared.credHelpers).toEqual({ [host(0)]: 'fake', 'unrelated.example': 'fake' });
    expect(main.summary).toMatch(new RegExp(`${host(0).replace(/\./g, '\\.')}.*docker CLI`));
    expect(main.summary).toMatch(new RegExp(`${host(1).replace(/\./g, '\\.')}.*config file`));
    // Both credentials work for a real client: skopeo asks the helper for host 0 and reads the file for host 1.
    expect(await skopeoView(host(0), clientEnv(w))).toBe('authenticated');
    expect(await skopeoView(host(1), clientEnv(w))).toBe('authenticated');
    expect(existsSync(join(user.dir, 'config.json.lock'))).toBe(false);

    const mark = (await docker.calls()).length;
    await helper.reset();
    await helper.seed({ [host(0)]: { Username: 'AWS', Secret: passwords[0] ?? '' } });
    const post = await step(w, 'post');
    expectOk(post);
    expect((await docker.calls()).slice(mark)).toEqual([`logout ${host(0)}`]);
    expect((await helper.calls()).some((c) => c.op === 'erase' && c.input.trim() === host(0))).toBe(true);
    expect(await helper.store()).toEqual({});
    const after = await readConfig(user.dir);
    expect(after.auths).toEqual({ 'keep.example': { auth: b64('dave:keep') } });
    expect(after.credHelpers).toEqual({ [host(0)]: 'fake', 'unrelated.example': 'fake' });
    expect(await readdir(user.dir)).toEqual(['config.json']);
    expect(await skopeoView(host(1), clientEnv(w))).toBe('unauthorized');
  });

  it('post warns, naming the hosts, when the job outlived its tokens', async () => {
    const w = await job();
    ecr.config.tokenTtlSeconds = 1;
    let main: StepResult;
    try {
      main = await step(w, 'main', { registries: `${ACCOUNTS[1]},${ACCOUNTS[2]}`, 'isolate-config': 'true' });
    } finally {
      delete ecr.config.tokenTtlSeconds;
    }
    expectOk(main);
    const expiresAt = Date.parse(main.outputs['expires-at'] ?? '');
    expect(Number.isNaN(expiresAt)).toBe(false);
    const wait = expiresAt + 300 - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));

    const post = await step(w, 'post');
    expectOk(post);
    const warnings = post.commands.filter((c) => c.name === 'warning').map((c) => c.message);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('outlived its ECR tokens');
    expect(warnings[0]).toContain(host(1));
    expect(warnings[0]).toContain(host(2));
    expect(warnings[0]).toContain(main.outputs['expires-at']);
    // The credentials are still cleaned up.
    expect(existsSync(main.outputs['docker-config'] ?? '')).toBe(false);
  });
});
