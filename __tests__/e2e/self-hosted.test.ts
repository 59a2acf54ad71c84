// Self-hosted runner safety, end to end: the dist bundles run as the Actions runner runs them, against the
// ECR stand-in, REAL docker-registry instances, the REAL docker CLI, REAL skopeo (containers/image: a
// non-docker client) and a fake credential helper (`docker-credential-fake`, driven by the real docker CLI
// and by skopeo) that records every call. Proves isolate-config (a job-private DOCKER_CONFIG under
// RUNNER_TEMP) keeps our credentials out of the user's config and out of any shared credential helper,
// and that without it a helper-owned host goes through `docker login` / `docker logout`.
import { existsSync } from 'node:fs';
import { cp, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, removeDir, waitFor } from '../support/daemon.js';
import { requireTool } from '../support/registry.js';
import type { StepResult, Workspace } from '../support/runner.js';
import { findTool } from '../support/tools.js';
import {
  type Bench,
  b64,
  clientEnv,
  expectUntouched,
  fakeHelper,
  fileMode,
  type Helper,
  type RecordingDocker,
  readConfig,
  recordingDocker,
  runTool,
  skopeoView,
  startBench,
  writeUserConfig,
} from './clients.js';
import { expectOk } from './helpers.js';

const REGION = 'us-east-1';
const ACCOUNTS = ['111111111111', '222222222222', '333333333333'];

describe.skipIf(
  !(
    requireTool('docker-registry') &&
    requireTool('htpasswd') &&
    requireTool('docker') &&
    requireTool('skopeo')
  ),
)('self-hosted runner safety (isolate-config, credential helpers)', () => {
  let bench: Bench;
  let helper: Helper;
  let docker: RecordingDocker;
  const host = (i: number) => bench.host(i);
  const password = (i: number) => bench.password(i);

  beforeAll(async () => {
    bench = await startBench({
      name: 'e2e-self-hosted',
      accounts: ACCOUNTS,
      region: REGION,
      accessKeyId: 'AKIAE2ESELFHOSTED001',
    });
    helper = await fakeHelper(bench.root);
    docker = await recordingDocker(bench.root);
  });
  afterAll(async () => {
    await bench?.close();
  });

  const job = () => bench.job();

  /** Job env: AWS pointed at the stand-in; PATH = recording docker + fake helper + system dirs (no other docker). */
  const step = (w: Workspace, name: 'main' | 'post', inputs: Record<string, string> = {}) =>
    bench.step(w, name, inputs, {
      path: [docker.bin, helper.bin, '/usr/sbin', '/usr/bin', '/sbin', '/bin'].join(':'),
    });

  /** A client's env: PATH = fake helper + system dirs, the job's HOME, and DOCKER_CONFIG when given. */
  const envOf = (w: Workspace, dockerConfig?: string) =>
    clientEnv({
      path: [helper.bin, '/usr/local/bin', '/usr/bin', '/bin'].join(':'),
      home: w.home,
      xdg: bench.xdg,
      dockerConfig,
    });

  /** `docker logout <host>` on a throw-away copy of `dir`: the real CLI's verdict on what the config holds. */
  async function dockerLogoutOnCopy(dir: string, h: string, w: Workspace): Promise<string> {
    const copy = await makeTempDir('e2e-config-copy');
    try {
      await cp(dir, copy, { recursive: true });
      const real = findTool('docker') ?? 'docker';
      const r = await runTool(real, ['logout', h], { ...envOf(w), DOCKER_CONFIG: copy });
      expect(r.code, r.out).toBe(0);
      return r.out;
    } finally {
      await removeDir(copy);
    }
  }

  it('isolate-config: a 0700 dir under RUNNER_TEMP, seeded, exported, removed by post; the user config is never written', async () => {
    const w = await job();
    const user = await writeUserConfig(w.home, {
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
    expect(await fileMode(dir)).toBe(0o700);
    expect(await fileMode(join(dir, 'config.json'))).toBe(0o600);
    expect(await readdir(dir)).toEqual(['.ecr-login-owner', 'config.json']); // our marker; no lock, no temp file left
    const priv = await readConfig(dir);
    expect(priv).toEqual({
      auths: {
        'earlier.example:5000': { auth: b64('bob:earlier-login') },
        [host(0)]: { auth: b64(`AWS:${password(0)}`) },
      },
      proxies: { default: { httpProxy: 'http://proxy.invalid:3128', noProxy: '127.0.0.1,localhost' } },
      detachKeys: 'ctrl-e,e',
      psFormat: 'table {{.ID}}',
    });
    await expectUntouched(user);

    // Real clients: through the exported DOCKER_CONFIG the registry accepts us; through the user's config it does not.
    expect(await skopeoView(host(0), envOf(w, dir))).toBe('authenticated');
    expect(await skopeoView(host(0), envOf(w))).toBe('unauthorized');
    // The earlier login seeded into the private config keeps working.
    const earlier = await runTool('skopeo', ['login', '--get-login', 'earlier.example:5000'], envOf(w, dir));
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
    const user = await writeUserConfig(w.home, seeded);

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
    expect(priv.auths?.[host(0)]).toEqual({ auth: b64(`AWS:${password(0)}`) });
    expect(priv.auths?.[host(1)]).toEqual({ auth: b64(`AWS:${password(1)}`) });
    expect(await fileMode(join(dir, 'config.json'))).toBe(0o600);
    await expectUntouched(user);

    // A real non-docker client reads our hosts from the private file (no helper call for them)…
    expect(await skopeoView(host(0), envOf(w, dir))).toBe('authenticated');
    expect(await skopeoView(host(1), envOf(w, dir))).toBe('authenticated');
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
    const user = await writeUserConfig(w.home, {
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
      { ServerURL: host(0), Username: 'AWS', Secret: password(0) },
    ]);
    expect((await helper.calls()).some((c) => c.input.includes(host(1)))).toBe(false);
    const shared = await readConfig(user.dir);
    expect(shared.auths?.[host(1)]).toEqual({ auth: b64(`AWS:${password(1)}`) });
    expect(shared.auths?.[host(0)]?.auth).toBeUndefined(); // the secret is with the helper, not in the file
    expect(shared.auths?.['keep.example']).toEqual({ auth: b64('dave:keep') });
    expect(shared.credHelpers).toEqual({ [host(0)]: 'fake', 'unrelated.example': 'fake' });
    expect(main.summary).toMatch(new RegExp(`${host(0).replace(/\./g, '\\.')}.*docker CLI`));
    expect(main.summary).toMatch(new RegExp(`${host(1).replace(/\./g, '\\.')}.*config file`));
    // Both credentials work for a real client: skopeo asks the helper for host 0 and reads the file for host 1.
    expect(await skopeoView(host(0), envOf(w))).toBe('authenticated');
    expect(await skopeoView(host(1), envOf(w))).toBe('authenticated');
    expect(existsSync(join(user.dir, 'config.json.lock'))).toBe(false);

    const mark = (await docker.calls()).length;
    await helper.reset();
    await helper.seed({ [host(0)]: { Username: 'AWS', Secret: password(0) } });
    const post = await step(w, 'post');
    expectOk(post);
    expect((await docker.calls()).slice(mark)).toEqual([`logout ${host(0)}`]);
    expect((await helper.calls()).some((c) => c.op === 'erase' && c.input.trim() === host(0))).toBe(true);
    expect(await helper.store()).toEqual({});
    const after = await readConfig(user.dir);
    expect(after.auths).toEqual({ 'keep.example': { auth: b64('dave:keep') } });
    expect(after.credHelpers).toEqual({ [host(0)]: 'fake', 'unrelated.example': 'fake' });
    expect(await readdir(user.dir)).toEqual(['config.json']);
    expect(await skopeoView(host(1), envOf(w))).toBe('unauthorized');
  });

  it('post warns, naming the hosts, when the job outlived its tokens', async () => {
    const w = await job();
    // Long enough that main's check of the answer (expiresAt in the future) passes on a loaded machine.
    bench.ecr.config.tokenTtlSeconds = 3;
    let main: StepResult;
    try {
      main = await step(w, 'main', { registries: `${ACCOUNTS[1]},${ACCOUNTS[2]}`, 'isolate-config': 'true' });
    } finally {
      delete bench.ecr.config.tokenTtlSeconds;
    }
    expectOk(main);
    const expiresAt = Date.parse(main.outputs['expires-at'] ?? '');
    expect(Number.isNaN(expiresAt)).toBe(false);
    await waitFor('the tokens to expire', () => (Date.now() > expiresAt ? true : undefined), 30_000);

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
