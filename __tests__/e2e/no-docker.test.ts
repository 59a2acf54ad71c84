// Login methods without (and with) the docker CLI, end to end: the dist bundles run as the Actions runner runs
// them, against the ECR stand-in and REAL docker-registry instances. `auto` and `config-file` must work on a
// runner with no docker at all (PATH without it), writing the config directly (proven at /v2/ first, temp
// file + rename, 0600 / 0700, every other key kept); a REAL non-docker client (skopeo, containers/image) must
// see the credential and stop seeing it after post; the REAL docker CLI must accept what was written.
import { existsSync } from 'node:fs';
import { cp, mkdir, readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireTool } from '../support/registry.js';
import type { Workspace } from '../support/runner.js';
import { findTool } from '../support/tools.js';
import {
  type Bench,
  b64,
  type ClientConfig,
  clientEnv,
  expectUntouched,
  fileMode,
  type RecordingDocker,
  readConfig,
  recordingDocker,
  runTool,
  skopeoView,
  startBench,
  writeUserConfig,
} from './clients.js';
import { errorsOf, expectOk } from './helpers.js';

const REGION = 'us-east-1';
const ACCOUNTS = ['111111111111', '222222222222'];
/** Names registry 1, but the stand-in hands out a password that registry does not accept. */
const BAD_ACCOUNT = '999999999999';

describe.skipIf(
  !(
    requireTool('docker-registry') &&
    requireTool('htpasswd') &&
    requireTool('docker') &&
    requireTool('skopeo')
  ),
)('login methods on runners with and without docker', () => {
  let bench: Bench;
  /** A PATH with no docker anywhere on it (node itself is run by absolute path, as the runner does). */
  let noDockerPath = '';
  let recording: RecordingDocker;
  const host = (i: number) => bench.host(i);
  const password = (i: number) => bench.password(i);

  beforeAll(async () => {
    bench = await startBench({
      name: 'e2e-no-docker',
      accounts: ACCOUNTS,
      region: REGION,
      accessKeyId: 'AKIAE2ENODOCKER00001',
    });
    bench.ecr.config.accounts[`${BAD_ACCOUNT}/${REGION}`] = {
      proxyEndpoint: bench.world.registries[1]?.url ?? '',
      password: 'not-the-password',
    };
    noDockerPath = join(bench.root, 'empty-bin');
    await mkdir(noDockerPath);
    expect(findTool('docker', noDockerPath)).toBeUndefined();
    // A docker that records its arguments and runs the real CLI.
    recording = await recordingDocker(bench.root);
  });
  afterAll(async () => {
    await bench?.close();
  });

  const job = () => bench.job();
  const step = (w: Workspace, name: 'main' | 'post', inputs: Record<string, string>, path = noDockerPath) =>
    bench.step(w, name, inputs, { path });
  /** A client's env: this process's PATH, the job's HOME, and DOCKER_CONFIG when given. */
  const envOf = (w: Workspace, dockerConfig?: string) =>
    clientEnv({ home: w.home, xdg: bench.xdg, dockerConfig });

  it('auto with no docker on PATH: writes ~/.docker (0700) / config.json (0600); skopeo and docker accept it; post removes it', async () => {
    const w = await job();
    const dir = join(w.home, '.docker');
    expect(await skopeoView(host(0), envOf(w, dir))).toBe('unauthorized');

    const main = await step(w, 'main', { registries: ACCOUNTS[0] ?? '' });
    expectOk(main);
    expect(main.outputs['docker-config']).toBe(dir);
    expect(main.outputs.registry).toBe(host(0));
    expect(main.exportedEnv).toEqual({});
    expect(main.summary).toContain('config file');
    expect(await fileMode(dir)).toBe(0o700);
    expect(await fileMode(join(dir, 'config.json'))).toBe(0o600);
    expect(await readdir(dir)).toEqual(['config.json']); // no temp file, no lock
    expect(await readConfig(dir)).toEqual({ auths: { [host(0)]: { auth: b64(`AWS:${password(0)}`) } } });

    // A real non-docker client, with DOCKER_CONFIG set and through HOME alone.
    expect(await skopeoView(host(0), envOf(w, dir))).toBe('authenticated');
    expect(await skopeoView(host(0), envOf(w))).toBe('authenticated');
    const login = await runTool('skopeo', ['login', '--get-login', host(0)], envOf(w, dir));
    expect(login.out.trim()).toBe('AWS');
    // The real docker CLI finds it (on a copy: this test's post must do the removing).
    const copy = join(bench.root, 'copy-1');
    await cp(dir, copy, { recursive: true });
    const logout = await runTool(findTool('docker') ?? 'docker', ['logout', host(0)], {
      ...envOf(w),
      DOCKER_CONFIG: copy,
    });
    expect(logout.out).toContain(`Removing login credentials for ${host(0)}`);
    expect((await readConfig(copy)).auths).toEqual({});

    const post = await step(w, 'post', {});
    expectOk(post);
    expect(await readConfig(dir)).toEqual({ auths: {} });
    expect(await readdir(dir)).toEqual(['config.json']);
    expect(await skopeoView(host(0), envOf(w, dir))).toBe('unauthorized');
    const gone = await runTool('skopeo', ['login', '--get-login', host(0)], envOf(w, dir));
    expect(gone.code).not.toBe(0);
    expect(gone.out).toMatch(/not logged in/i);
  });

  it('auto proves every credential and writes them in one update, keeping every other key; post restores the rest', async () => {
    const w = await job();
    const original: ClientConfig = {
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
    const user = await writeUserConfig(w.home, original, { fileMode: 0o644 });
    const inode = (await stat(user.file)).ino;

    const main = await step(w, 'main', { registries: `${ACCOUNTS[0]}, ${ACCOUNTS[1]}` });
    expectOk(main);
    // Replaced by a rename (a new inode), not rewritten in place where a reader could see half a file.
    expect((await stat(user.file)).ino).not.toBe(inode);
    expect(main.outputs.registries).toBe(`${host(0)},${host(1)}`);
    // The user's file keeps its mode (and, were we root and it theirs, its owner).
    expect(await fileMode(user.file)).toBe(0o644);
    expect(await readdir(user.dir)).toEqual(['config.json']);
    expect(await readConfig(user.dir)).toEqual({
      ...original,
      auths: {
        ...original.auths,
        [host(0)]: { auth: b64(`AWS:${password(0)}`) },
        [host(1)]: { auth: b64(`AWS:${password(1)}`) },
      },
    });
    expect(await skopeoView(host(1), envOf(w))).toBe('authenticated');

    const post = await step(w, 'post', {});
    expectOk(post);
    // Our entries added and removed again: the user's exact bytes.
    expect((await readFile(user.file)).equals(user.bytes)).toBe(true);
    expect(await fileMode(user.file)).toBe(0o644);
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
    expect(await readConfig(dir)).toEqual({ auths: { [host(0)]: { auth: b64(`AWS:${password(0)}`) } } });

    const post = await step(w, 'post', {});
    expectOk(post);
    expect(await readConfig(dir)).toEqual({ auths: {} });
  });

  it('login-method docker without docker fails up front with a clear message, before any AWS call', async () => {
    const w = await job();
    const calls = bench.ecr.requests.length;
    const main = await step(w, 'main', { registries: ACCOUNTS[0] ?? '', 'login-method': 'docker' });
    expect(main.succeeded).toBe(false);
    expect(errorsOf(main).join('\n')).toMatch(
      /login-method is docker, but the docker CLI was not found on PATH/,
    );
    expect(bench.ecr.requests.length).toBe(calls);
    expect(existsSync(join(w.home, '.docker'))).toBe(false);
    const post = await step(w, 'post', {});
    expectOk(post);
  });

  it('login-method docker always uses the CLI, for main and post', async () => {
    const w = await job();
    const path = `${recording.bin}:/usr/bin:/bin`;
    const before = (await recording.calls()).length;
    const main = await step(
      w,
      'main',
      { registries: `${ACCOUNTS[0]},${ACCOUNTS[1]}`, 'login-method': 'docker' },
      path,
    );
    expectOk(main);
    expect((await recording.calls()).slice(before)).toEqual([
      `login --username AWS --password-stdin ${host(0)}`,
      `login --username AWS --password-stdin ${host(1)}`,
    ]);
    expect(main.summary).toContain('docker CLI');
    const dir = join(w.home, '.docker');
    expect((await readConfig(dir)).auths).toEqual({
      [host(0)]: { auth: b64(`AWS:${password(0)}`) },
      [host(1)]: { auth: b64(`AWS:${password(1)}`) },
    });

    const mark = (await recording.calls()).length;
    const post = await step(w, 'post', {}, path);
    expectOk(post);
    expect((await recording.calls()).slice(mark).sort()).toEqual(
      [`logout ${host(0)}`, `logout ${host(1)}`].sort(),
    );
    expect((await readConfig(dir)).auths).toEqual({});
  });

  it('config-file refuses a config whose credsStore or credHelpers owns the host, suggesting isolate-config: true', async () => {
    // credsStore owns every host: refused before any AWS call.
    let calls = bench.ecr.requests.length;
    let w = await job();
    let user = await writeUserConfig(w.home, { auths: {}, credsStore: 'fake' });
    let main = await step(w, 'main', { registries: ACCOUNTS[0] ?? '', 'login-method': 'config-file' });
    expect(main.succeeded).toBe(false);
    let message = errorsOf(main).join('\n');
    expect(message).toContain('login-method is config-file');
    expect(message).toContain(`${ACCOUNTS[0]}.dkr.ecr.${REGION}.amazonaws.com`);
    expect(message).toContain('"fake"');
    expect(message).toContain('isolate-config: true');
    expect(bench.ecr.requests.length).toBe(calls);
    await expectUntouched(user);
    expectOk(await step(w, 'post', {}));
    await expectUntouched(user);

    // credHelpers owns the default registry, whose host only the token answer names.
    calls = bench.ecr.requests.length;
    w = await job();
    user = await writeUserConfig(w.home, { auths: {}, credHelpers: { [host(0)]: 'fake' } });
    main = await step(w, 'main', { 'login-method': 'config-file' });
    expect(main.succeeded).toBe(false);
    message = errorsOf(main).join('\n');
    expect(message).toContain(host(0));
    expect(message).toContain('"fake"');
    expect(message).toContain('isolate-config: true');
    expect(bench.ecr.requests.length).toBe(calls + 1);
    await expectUntouched(user);
    expectOk(await step(w, 'post', {}));
    await expectUntouched(user);

    // A helper for some other host is no reason to refuse.
    w = await job();
    user = await writeUserConfig(w.home, { credHelpers: { 'unrelated.example': 'fake' } });
    main = await step(w, 'main', { registries: ACCOUNTS[0] ?? '', 'login-method': 'config-file' });
    expectOk(main);
    expect(await readConfig(user.dir)).toEqual({
      credHelpers: { 'unrelated.example': 'fake' },
      auths: { [host(0)]: { auth: b64(`AWS:${password(0)}`) } },
    });
    expectOk(await step(w, 'post', {}));
    expect(await readConfig(user.dir)).toEqual({ credHelpers: { 'unrelated.example': 'fake' }, auths: {} });
  });

  it('config-file with isolate-config works under a credsStore with no docker at all', async () => {
    const w = await job();
    const user = await writeUserConfig(w.home, { credsStore: 'fake', auths: { 'other.example': {} } });
    const main = await step(w, 'main', {
      registries: ACCOUNTS[1] ?? '',
      'login-method': 'config-file',
      'isolate-config': 'true',
    });
    expectOk(main);
    const dir = main.exportedEnv.DOCKER_CONFIG ?? '';
    expect(dir.startsWith(`${w.runnerTemp}/`)).toBe(true);
    expect((await readConfig(dir)).auths?.[host(1)]).toEqual({ auth: b64(`AWS:${password(1)}`) });
    expect(await skopeoView(host(1), envOf(w, dir))).toBe('authenticated');
    await expectUntouched(user);

    const post = await step(w, 'post', {});
    expectOk(post);
    expect(existsSync(dir)).toBe(false);
    await expectUntouched(user);
  });
});
