// Login methods without (and with) the docker CLI, end to end: the dist bundles run as the Actions runner runs
// them, against the ECR stand-in and REAL docker-registry instances. `auto` and `config-file` must work on a
// runner with no docker at all (PATH without it), writing the config directly (proven at /v2/ first, temp
// file + rename, 0600 / 0700, every other key kept); a REAL non-docker client (skopeo, containers/image) must
// see the credential and stop seeing it after post; the REAL docker CLI must accept what was written.
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
const ACCOUNTS = ['111111111111', '222222222222'];
/** Names registry 1, but the stand-in hands out a password that registry does not accept. */
const BAD_ACCOUNT = '999999999999';

const b64 = (s: string) => Buffer.from(s).toString('base64');
const mode = async (p: string) => (await stat(p)).mode & 0o777;

function run(cmd: string, args: string[], env: Record<string, string>) {
  return new Promise<{ code: number; out: string }>((resolve) => {
    execFile(cmd, args, { env, timeout: 30_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? Number((err as { code?: unknown }).code) || 1 : 0, out: `${stdout}${stderr}` }),
    );
  });
}

type Config = {
  auths?: Record<string, { auth?: string }>;
  credsStore?: string;
  credHelpers?: Record<string, string>;
  [k: string]: unknown;
};

describe.skipIf(
  !(
    requireTool('docker-registry') &&
    requireTool('htpasswd') &&
    requireTool('docker') &&
    requireTool('skopeo')
  ),
)('login methods on runners with and without docker', () => {
  let regs: Registry[] = [];
  let ecr: EcrStandIn;
  let root = '';
  /** A PATH with no docker anywhere on it (node itself is run by absolute path, as the runner does). */
  let noDockerPath = '';
  let recording = { bin: '', log: '' };
  let xdg = '';
  const passwords = ACCOUNTS.map(() => `pw-${randomBytes(9).toString('hex')}`);
  const host = (i: number) => regs[i]?.host ?? '';
  const workspaces: Workspace[] = [];

  beforeAll(async () => {
    regs = await startRegistries(ACCOUNTS.length, passwords);
    ecr = await startEcrStandIn({
      accounts: {
        ...Object.fromEntries(
          ACCOUNTS.map((a, i) => [
            `${a}/${REGION}`,
            { proxyEndpoint: regs[i]?.url ?? '', password: passwords[i] ?? '' },
          ]),
        ),
        [`${BAD_ACCOUNT}/${REGION}`]: { proxyEndpoint: regs[1]?.url ?? '', password: 'not-the-password' },
      },
      defaultAccount: ACCOUNTS[0] ?? '',
    });
    root = await makeTempDir('e2e-no-docker');
    noDockerPath = join(root, 'empty-bin');
    await mkdir(noDockerPath);
    expect(findTool('docker', noDockerPath)).toBeUndefined();
    xdg = join(root, 'xdg-runtime');
    await mkdir(xdg, { mode: 0o700 });
    // A docker that records its arguments and runs the real CLI.
    const real = findTool('docker');
    recording = { bin: join(root, 'docker-bin'), log: join(root, 'docker-calls.log') };
    await mkdir(recording.bin);
    await writeFile(recording.log, '');
    await writeFile(
      join(recording.bin, 'docker'),
      `#!/bin/sh\nprintf '%s\\n' "$*" >> ${JSON.stringify(recording.log)}\nexec ${JSON.stringify(real)} "$@"\n`,
    );
    await chmod(join(recording.bin, 'docker'), 0o755);
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

  const jobEnv = (path: string): Record<string, string> => ({
    PATH: path,
    AWS_ACCESS_KEY_ID: 'AKIAE2ENODOCKER00001',
    AWS_SECRET_ACCESS_KEY: 'e2e-not-a-secret',
    AWS_REGION: REGION,
    AWS_ENDPOINT_URL_ECR: ecr.url,
    AWS_EC2_METADATA_DISABLED: 'true',
  });
  const step = (w: Workspace, name: 'main' | 'post', inputs: Record<string, string>, path = noDockerPath) =>
    runStep({ step: name, workspace: w, inputs, env: jobEnv(path) });
  const expectOk = (r: StepResult) => {
    expect(r.succeeded, `${r.step} failed:\n${r.maskedLog}\n${r.runnerMessages.join('\n')}`).toBe(true);
  };
  const errorsOf = (r: StepResult) => r.commands.filter((c) => c.name === 'error').map((c) => c.message);
  const dockerCalls = async () => (await readFile(recording.log, 'utf8')).split('\n').filter(Boolean);

  const clientEnv = (w: Workspace, dockerConfig?: string): Record<string, string> => ({
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: w.home,
    XDG_RUNTIME_DIR: xdg,
    ...(dockerConfig ? { DOCKER_CONFIG: dockerConfig } : {}),
  });
  async function skopeoView(
    h: string,
    env: Record<string, string>,
  ): Promise<'authenticated' | 'unauthorized'> {
    const r = await run('skopeo', ['inspect', '--tls-verify=false', `docker://${h}/e2e/absent:latest`], env);
    if (/manifest unknown/i.test(r.out)) return 'authenticated';
    if (/unauthorized|authentication required/i.test(r.out)) return 'unauthorized';
    throw new Error(`skopeo inspect ${h}: unexpected answer (exit ${r.code}): ${r.out}`);
  }
  const readConfig = async (dir: string) =>
    JSON.parse(await readFile(join(dir, 'config.json'), 'utf8')) as Config;
  async function writeUserConfig(w: Workspace, config: unknown, fileMode = 0o600) {
    const dir = join(w.home, '.docker');
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const file = join(dir, 'config.json');
    await writeFile(file, `${JSON.stringify(config, null, 2)}\n`);
    await chmod(file, fileMode);
    const past = new Date('2024-01-02T03:04:05Z');
    await utimes(file, past, past);
    return { dir, file, bytes: await readFile(file), mtimeMs: (await stat(file)).mtimeMs };
  }
  async function expectUntouched(user: { dir: string; file: string; bytes: Buffer; mtimeMs: number }) {
    expect((await readFile(user.file)).equals(user.bytes)).toBe(true);
    expect((await stat(user.file)).mtimeMs).toBe(user.mtimeMs);
    expect(await readdir(user.dir)).toEqual(['config.json']);
  }

  it('auto with no docker on PATH: writes ~/.docker (0700) / config.json (0600); skopeo and docker accept it; post removes it', async () => {
    const w = await job();
    const dir = join(w.home, '.docker');
    expect(await skopeoView(host(0), clientEnv(w, dir))).toBe('unauthorized');

    const main = await step(w, 'main', { registries: ACCOUNTS[0] ?? '' });
    expectOk(main);
    expect(main.outputs['docker-config']).toBe(dir);
    expect(main.outputs.registry).toBe(host(0));
    expect(main.exportedEnv).toEqual({});
    expect(main.summary).toContain('config file');
    expect(await mode(dir)).toBe(0o700);
    expect(await mode(join(dir, 'config.json'))).toBe(0o600);
    expect(await readdir(dir)).toEqual(['config.json']); // no temp file, no lock
    expect(await readConfig(dir)).toEqual({ auths: { [host(0)]: { auth: b64(`AWS:${passwords[0]}`) } } });

    // A real non-docker client, with DOCKER_CONFIG set and through HOME alone.
    expect(await skopeoView(host(0), clientEnv(w, dir))).toBe('authenticated');
    expect(await skopeoView(host(0), clientEnv(w))).toBe('authenticated');
    const login = await run('skopeo', ['login', '--get-login', host(0)], clientEnv(w, dir));
    expect(login.out.trim()).toBe('AWS');
    // The real docker CLI finds it (on a copy: this test's post must do the removing).
    const copy = join(root, 'copy-1');
    await cp(dir, copy, { recursive: true });
    const logout = await run(findTool('docker') ?? 'docker', ['logout', host(0)], {
      ...clientEnv(w),
      DOCKER_CONFIG: copy,
    });
    expect(logout.out).toContain(`Removing login credentials for ${host(0)}`);
    expect((await readConfig(copy)).auths).toEqual({});

    const post = await step(w, 'post', {});
    expectOk(post);
    expect(await readConfig(dir)).toEqual({ auths: {} });
    expect(await readdir(dir)).toEqual(['config.json']);
    expect(await skopeoView(host(0), clientEnv(w, dir))).toBe('unauthorized');
    const gone = await run('skopeo', ['login', '--get-login', host(0)], clientEnv(w, dir));
    expect(gone.code).not.toBe(0);
    expect(gone.out).toMatch(/not logged in/i);
  });

  it('auto proves every credential and writes them in one update, keeping every other key; post restores the rest', async () => {
    const w = await job();
    const original: Config = {
      auths: {
        'other.example:5000': { auth: b64('erin:other') },
        'https://index.docker.io/v1/': { auth: b64('u:p') },
      },
      credHelpers: { 'unrelated.example': 'fake' },
      proxies: { default: { httpProxy: 'http://proxy.invalid:3128' } },
      plugins: { buildx: { setting: 'value' } },
      currentContext: 'default',
      aliases: { builder: 'buildx' },
      someFutureKey: [1, { nested: true }],
    };
    const user = await writeUserConfig(w, original, 0o644);
    const inode = (await stat(user.file)).ino;

    const main = await step(w, 'main', { registries: `${ACCOUNTS[0]}, ${ACCOUNTS[1]}` });
    expectOk(main);
    // Replaced by a rename (a new inode), not rewritten in place where a reader could see half a file.
    expect((await stat(user.file)).ino).not.toBe(inode);
    expect(main.outputs.registries).toBe(`${host(0)},${host(1)}`);
    expect(await mode(user.file)).toBe(0o600);
    expect(await readdir(user.dir)).toEqual(['config.json']);
    expect(await readConfig(user.dir)).toEqual({
      ...original,
      auths: {
        ...original.auths,
        [host(0)]: { auth: b64(`AWS:${passwords[0]}`) },
        [host(1)]: { auth: b64(`AWS:${passwords[1]}`) },
      },
    });
    expect(await skopeoView(host(1), clientEnv(w))).toBe('authenticated');

    const post = await step(w, 'post', {});
    expectOk(post);
    expect(await readConfig(user.dir)).toEqual(original);
    expect(await readdir(user.dir)).toEqual(['config.json']);
  });

  it('auto writes nothing for a credential the registry refuses at /v2/, and still cleans up the rest', async () => {
    const w = await job();
    const main = await step(w, 'main', { registries: `${ACCOUNTS[0]}\n${BAD_ACCOUNT}` });
    expect(main.succeeded).toBe(false);
    const errors = errorsOf(main).join('\n');
    expect(errors).toContain(host(1));
    expect(errors).toMatch(/401/);
    const dir = join(w.home, '.docker');
    expect(await readConfig(dir)).toEqual({ auths: { [host(0)]: { auth: b64(`AWS:${passwords[0]}`) } } });

    const post = await step(w, 'post', {});
    expectOk(post);
    expect(await readConfig(dir)).toEqual({ auths: {} });
  });

  it('login-method docker without docker fails up front with a clear message, before any AWS call', async () => {
    const w = await job();
    const calls = ecr.requests.length;
    const main = await step(w, 'main', { registries: ACCOUNTS[0] ?? '', 'login-method': 'docker' });
    expect(main.succeeded).toBe(false);
    expect(errorsOf(main).join('\n')).toMatch(
      /login-method is docker, but the docker CLI was not found on PATH/,
    );
    expect(ecr.requests.length).toBe(calls);
    expect(existsSync(join(w.home, '.docker'))).toBe(false);
    const post = await step(w, 'post', {});
    expectOk(post);
  });

  it('login-method docker always uses the CLI, for main and post', async () => {
    const w = await job();
    const path = `${recording.bin}:/usr/bin:/bin`;
    const before = (await dockerCalls()).length;
    const main = await step(
      w,
      'main',
      { registries: `${ACCOUNTS[0]},${ACCOUNTS[1]}`, 'login-method': 'docker' },
      path,
    );
    expectOk(main);
    expect((await dockerCalls()).slice(before)).toEqual([
      `login --username AWS --password-stdin ${host(0)}`,
      `login --username AWS --password-stdin ${host(1)}`,
    ]);
    expect(main.summary).toContain('docker CLI');
    const dir = join(w.home, '.docker');
    expect((await readConfig(dir)).auths).toEqual({
      [host(0)]: { auth: b64(`AWS:${passwords[0]}`) },
      [host(1)]: { auth: b64(`AWS:${passwords[1]}`) },
    });

    const mark = (await dockerCalls()).length;
    const post = await step(w, 'post', {}, path);
    expectOk(post);
    expect((await dockerCalls()).slice(mark).sort()).toEqual(
      [`logout ${host(0)}`, `logout ${host(1)}`].sort(),
    );
    expect((await readConfig(dir)).auths).toEqual({});
  });

  it('config-file refuses a config whose credsStore or credHelpers owns the host, suggesting isolate-config: true', async () => {
    // credsStore owns every host: refused before any AWS call.
    let calls = ecr.requests.length;
    let w = await job();
    let user = await writeUserConfig(w, { auths: {}, credsStore: 'fake' });
    let main = await step(w, 'main', { registries: ACCOUNTS[0] ?? '', 'login-method': 'config-file' });
    expect(main.succeeded).toBe(false);
    let message = errorsOf(main).join('\n');
    expect(message).toContain('login-method is config-file');
    expect(message).toContain(`${ACCOUNTS[0]}.dkr.ecr.${REGION}.amazonaws.com`);
    expect(message).toContain('"fake"');
    expect(message).toContain('isolate-config: true');
    expect(ecr.requests.length).toBe(calls);
    await expectUntouched(user);
    expectOk(await step(w, 'post', {}));
    await expectUntouched(user);

    // credHelpers owns the default registry, whose host only the token answer names.
    calls = ecr.requests.length;
    w = await job();
    user = await writeUserConfig(w, { auths: {}, credHelpers: { [host(0)]: 'fake' } });
    main = await step(w, 'main', { 'login-method': 'config-file' });
    expect(main.succeeded).toBe(false);
    message = errorsOf(main).join('\n');
    expect(message).toContain(host(0));
    expect(message).toContain('"fake"');
    expect(message).toContain('isolate-config: true');
    expect(ecr.requests.length).toBe(calls + 1);
    await expectUntouched(user);
    expectOk(await step(w, 'post', {}));
    await expectUntouched(user);

    // A helper for some other host is no reason to refuse.
    w = await job();
    user = await writeUserConfig(w, { credHelpers: { 'unrelated.example': 'fake' } });
    main = await step(w, 'main', { registries: ACCOUNTS[0] ?? '', 'login-method': 'config-file' });
    expectOk(main);
    expect(await readConfig(user.dir)).toEqual({
      credHelpers: { 'unrelated.example': 'fake' },
      auths: { [host(0)]: { auth: b64(`AWS:${passwords[0]}`) } },
    });
    expectOk(await step(w, 'post', {}));
    expect(await readConfig(user.dir)).toEqual({ credHelpers: { 'unrelated.example': 'fake' }, auths: {} });
  });

  it('config-file with isolate-config works under a credsStore with no docker at all', async () => {
    const w = await job();
    const user = await writeUserConfig(w, { credsStore: 'fake', auths: { 'other.example': {} } });
    const main = await step(w, 'main', {
      registries: ACCOUNTS[1] ?? '',
      'login-method': 'config-file',
      'isolate-config': 'true',
    });
    expectOk(main);
    const dir = main.exportedEnv.DOCKER_CONFIG ?? '';
    expect(dir.startsWith(`${w.runnerTemp}/`)).toBe(true);
    expect((await readConfig(dir)).auths?.[host(1)]).toEqual({ auth: b64(`AWS:${passwords[1]}`) });
    expect(await skopeoView(host(1), clientEnv(w, dir))).toBe('authenticated');
    await expectUntouched(user);

    const post = await step(w, 'post', {});
    expectOk(post);
    expect(existsSync(dir)).toBe(false);
    await expectUntouched(user);
  });
});
