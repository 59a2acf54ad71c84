import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type LoginSetup, login, needsDocker, preflight } from '../../src/action/login.js';
import type { DockerCredential, LoginMethod, StoreName } from '../../src/action/types.js';
import type { DockerResult } from '../../src/docker/docker-cli.js';
import type { DockerConfig } from '../../src/docker/docker-config.js';
import type { VerifyResult, VerifySettings } from '../../src/net/verify.js';
import { chooseStore } from '../../src/stores/index.js';
import type { AddContext } from '../../src/stores/store.js';
import { type HelperBehaviour, installHelper } from '../support/credential-helpers.js';

const H1 = '111111111111.dkr.ecr.us-east-1.amazonaws.com';
const H2 = '222222222222.dkr.ecr.eu-west-1.amazonaws.com';
const H3 = '333333333333.dkr.ecr.ap-south-1.amazonaws.com';
const b64 = (s: string) => Buffer.from(s).toString('base64');

function cred(host: string, password: string, order: number): DockerCredential {
  return {
    host,
    scheme: 'https',
    username: 'AWS',
    password,
    auth: b64(`AWS:${password}`),
    expiresAt: new Date('2030-01-01T00:00:00Z'),
    kind: 'private',
    region: 'us-east-1',
    order,
  };
}

describe('chooseStore', () => {
  const none: DockerConfig = {};
  const store: DockerConfig = { credsStore: 'desktop' };
  const helper: DockerConfig = { credHelpers: { [H1]: 'secretservice' } };
  const emptied: DockerConfig = { credsStore: 'desktop', credHelpers: { [H1]: '' } };

  it.each<[LoginMethod, string, DockerConfig, string, StoreName]>([
    ['auto', 'auths only', none, H1, 'config-file'],
    ['auto', 'credsStore', store, H1, 'docker-cli'],
    ['auto', 'credHelpers for the host', helper, H1, 'docker-cli'],
    ['auto', 'credHelpers for another host', helper, H2, 'config-file'],
    ['auto', 'an empty credHelpers entry over credsStore', emptied, H1, 'config-file'],
    ['docker', 'auths only', none, H1, 'docker-cli'],
    ['docker', 'credsStore', store, H1, 'docker-cli'],
    ['docker', 'credHelpers', helper, H1, 'docker-cli'],
    ['config-file', 'auths only', none, H1, 'config-file'],
    ['config-file', 'credsStore', store, H1, 'config-file'],
    ['config-file', 'credHelpers', helper, H1, 'config-file'],
    ['auto', 'credHelpers ecr-login', { credHelpers: { [H1]: 'ecr-login' } }, H1, 'ecr-helper'],
    ['docker', 'credsStore ecr-login', { credsStore: 'ecr-login' }, H1, 'ecr-helper'],
    ['config-file', 'credsStore ecr-login', { credsStore: 'ecr-login' }, H1, 'ecr-helper'],
    [
      'auto',
      'credsStore ecr-login, credHelpers for the host',
      { credsStore: 'ecr-login', credHelpers: { [H1]: 'pass' } },
      H1,
      'docker-cli',
    ],
  ])('%s with %s → %s', (method, _, config, host, store) => {
    expect(chooseStore(method, config, host, false)).toBe(store);
  });

  it('in a job-private config helpers never count: auto and config-file use the file, docker the CLI', () => {
    expect(chooseStore('auto', store, H1, true)).toBe('config-file');
    expect(chooseStore('config-file', helper, H1, true)).toBe('config-file');
    expect(chooseStore('docker', none, H1, true)).toBe('docker-cli');
    expect(chooseStore('auto', { credsStore: 'ecr-login' }, H1, true)).toBe('config-file');
  });
});

describe('needsDocker: PATH is searched for docker only when a login may need it', () => {
  it.each<[string, LoginMethod, DockerConfig, boolean, boolean]>([
    ['auto, auths only', 'auto', {}, false, false],
    ['auto, a helper for another host', 'auto', { credHelpers: { 'gcr.io': 'gcloud' } }, false, false],
    ['auto, credsStore', 'auto', { credsStore: 'desktop' }, false, true],
    ['auto, credHelpers for our host', 'auto', { credHelpers: { [H2]: 'pass' } }, false, true],
    ['auto, credsStore, isolated', 'auto', { credsStore: 'desktop' }, true, false],
    ['config-file', 'config-file', {}, false, false],
    ['docker', 'docker', {}, false, true],
    ['docker, isolated', 'docker', {}, true, true],
  ])('%s', (_, method, config, isolated, needed) => {
    expect(needsDocker(method, config, [H1, H2], isolated)).toBe(needed);
  });
});

describe('preflight', () => {
  const store: DockerConfig = { credsStore: 'desktop' };
  const helper: DockerConfig = { credHelpers: { [H2]: 'secretservice' } };
  const CONFIG_FILE_VS_HELPER = (host: string, name: string) =>
    `login-method is config-file, but the docker config sends ${host}'s credentials to the credential helper "${name}", ` +
    'so docker would ignore a credential written to the file. Set isolate-config: true (a job-private config), or use login-method: auto.';
  const NO_DOCKER =
    'login-method is docker, but the docker CLI was not found on PATH. Use login-method: auto or config-file on runners without docker.';
  const HELPER_NO_DOCKER = (host: string, name: string) =>
    `The docker config sends ${host}'s credentials to the credential helper "${name}", which only the docker CLI can drive, ` +
    'and docker was not found on PATH. Install docker, or set isolate-config: true.';

  it.each<[string, LoginMethod, DockerConfig, boolean, boolean, string | undefined]>([
    // [case, method, config, isolated, docker found, problem]
    ['config-file vs credsStore', 'config-file', store, false, true, CONFIG_FILE_VS_HELPER(H1, 'desktop')],
    [
      'config-file vs credHelpers',
      'config-file',
      helper,
      false,
      false,
      CONFIG_FILE_VS_HELPER(H2, 'secretservice'),
    ],
    ['config-file vs credsStore, isolated', 'config-file', store, true, false, undefined],
    ['config-file, no helper, no docker', 'config-file', {}, false, false, undefined],
    ['docker without docker', 'docker', {}, false, false, NO_DOCKER],
    ['docker without docker, isolated', 'docker', store, true, false, NO_DOCKER],
    ['docker with docker', 'docker', store, false, true, undefined],
    ['auto, helper, no docker', 'auto', store, false, false, HELPER_NO_DOCKER(H1, 'desktop')],
    ['auto, credHelpers, no docker', 'auto', helper, false, false, HELPER_NO_DOCKER(H2, 'secretservice')],
    ['auto, helper, isolated, no docker', 'auto', store, true, false, undefined],
    ['auto, helper, docker', 'auto', store, false, true, undefined],
    ['auto, no helper, no docker', 'auto', {}, false, false, undefined],
  ])('%s', (_, method, config, isolated, found, problem) => {
    expect(preflight(method, config, [H1, H2], isolated, found)).toBe(problem);
  });

  it('applies a credsStore to the not-yet-known default registry (host "")', () => {
    expect(preflight('config-file', store, [''], false, true)).toBe(
      `login-method is config-file, but the docker config sends every registry's credentials (credsStore) to the credential helper "desktop", ` +
        'so docker would ignore a credential written to the file. Set isolate-config: true (a job-private config), or use login-method: auto.',
    );
    expect(preflight('config-file', helper, [''], false, true)).toBeUndefined();
  });

  it.each<[LoginMethod, DockerConfig]>([
    ['auto', { credHelpers: { [H2]: 'ecr-login' } }],
    ['docker', { credsStore: 'ecr-login' }],
    ['config-file', { credHelpers: { [H2]: 'ecr-login' } }],
  ])(
    '%s passes hosts of the Amazon ECR credential helper: it serves them (checked at login)',
    (method, config) => {
      expect(preflight(method, config, [H1, H2], false, true)).toBeUndefined();
      expect(preflight(method, config, [H1, H2], true, true)).toBeUndefined();
    },
  );

  it('needs no docker CLI for hosts the Amazon ECR credential helper serves', () => {
    const config: DockerConfig = { credsStore: 'ecr-login' };
    expect(needsDocker('auto', config, [H1, H2], false)).toBe(false);
    expect(needsDocker('docker', config, [H1, H2], false)).toBe(false);
    expect(preflight('auto', config, [H1, H2], false, false)).toBeUndefined();
    expect(preflight('docker', config, [H1, H2], false, false)).toBeUndefined();
    // One host of its own still needs the CLI.
    const mixed: DockerConfig = { credHelpers: { [H1]: 'ecr-login' } };
    expect(preflight('docker', mixed, [H1, H2], false, false)).toMatch(
      /^login-method is docker, but the docker CLI/,
    );
  });
});

describe('login', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ecr-login-login-unit-'));
    warnings = [];
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const configPath = () => join(dir, 'config.json');
  let warnings: string[] = [];
  const readJson = async (): Promise<DockerConfig> => JSON.parse(await readFile(configPath(), 'utf8'));

  type Setup = Omit<LoginSetup, 'tools' | 'record'>;
  type Tools = AddContext['tools'];

  function setup(method: LoginMethod, isolated = false): Setup {
    return {
      method,
      dir,
      isolated,
      env: { PATH: '/usr/bin', KEEP: 'me' },
      verify: { env: {}, timeoutMs: 1000, attempts: 1 },
      settings: {
        registries: [],
        maskPassword: true,
        skipLogout: false,
        maxAttempts: 1,
        apiTimeoutSeconds: 1,
        isolateConfig: isolated,
        loginMethod: method,
        roles: new Map(),
        profiles: new Map(),
        aliases: [],
      },
      installed: () => {
        throw new Error('only the helper store installs a helper');
      },
      warn: (text) => warnings.push(text),
    };
  }

  /** login with these tools, reporting each login as (credential, store). */
  const loginWith = (
    credentials: DockerCredential[],
    s: Setup,
    tools: Tools,
    onLogin: (c: DockerCredential, store: StoreName) => void,
  ) =>
    login(credentials, {
      ...s,
      tools,
      record: {
        intend: () => {},
        settle: (batch, store, refused) => {
          for (const c of batch) if (!refused.includes(c)) onLogin(c, store);
        },
      },
    });

  interface Recorder {
    deps: Tools;
    checks: { scheme: string; host: string; token: string; settings: VerifySettings }[];
    dockers: {
      host: string;
      username: string;
      password: string;
      env: NodeJS.ProcessEnv;
      timeoutMs?: number;
    }[];
    logins: [string, StoreName][];
  }

  function recorder(
    answer: (host: string) => VerifyResult = () => ({ ok: true, status: 200, message: 'ok' }),
    docker: (host: string) => DockerResult = () => ({ ok: true, message: '' }),
  ): Recorder {
    const r: Recorder = {
      checks: [],
      dockers: [],
      logins: [],
      deps: {
        verify: async (c, settings) => {
          r.checks.push({ scheme: c.scheme, host: c.host, token: c.auth, settings });
          return answer(c.host);
        },
        dockerLogin: async (host, username, password, env, timeoutMs) => {
          r.dockers.push({
            host,
            username,
            password,
            env,
            ...(timeoutMs !== undefined ? { timeoutMs } : {}),
          });
          return docker(host);
        },
      },
    };
    return r;
  }

  it('verifies every file host (all at once) before one write, then reports each login', async () => {
    await writeFile(
      configPath(),
      JSON.stringify({ auths: { 'other.example': { auth: 'dTpw' } }, proxies: { x: 1 } }),
    );
    const creds = [
      cred(H1, 'pw-1', 0),
      cred(H2, 'pw-2', 1),
      { ...cred('127.0.0.1:5000', 'pw-3', 2), scheme: 'http' as const },
    ];
    const pending: ((r: VerifyResult) => void)[] = [];
    const seenAtCheck: string[] = [];
    const logins: [string, StoreName][] = [];
    const deps: Tools = {
      verify: (c) => {
        seenAtCheck.push(c.host);
        return new Promise((resolve) => pending.push(resolve));
      },
      dockerLogin: async () => {
        throw new Error('no docker expected');
      },
    };
    const done = loginWith(creds, setup('auto'), deps, (c, store) => logins.push([c.host, store]));
    // Wait until every check is in flight: none may wait for another.
    while (pending.length < 3) await new Promise((r) => setImmediate(r));
    expect(seenAtCheck).toEqual([H1, H2, '127.0.0.1:5000']);
    // Nothing is written while any check is pending.
    for (const resolve of pending.splice(0, 2).reverse()) resolve({ ok: true, status: 200, message: 'ok' });
    for (let t = 0; t < 10; t++) await new Promise((r) => setImmediate(r));
    expect(Object.keys((await readJson()).auths ?? {})).toEqual(['other.example']);
    pending[0]?.({ ok: true, status: 200, message: 'ok' });
    expect(await done).toEqual([]);
    expect(logins).toEqual([
      [H1, 'config-file'],
      [H2, 'config-file'],
      ['127.0.0.1:5000', 'config-file'],
    ]);
    expect(await readJson()).toEqual({
      auths: {
        'other.example': { auth: 'dTpw' },
        [H1]: { auth: b64('AWS:pw-1') },
        [H2]: { auth: b64('AWS:pw-2') },
        '127.0.0.1:5000': { auth: b64('AWS:pw-3') },
      },
      proxies: { x: 1 },
    });
  });

  it('writes all verified hosts in one update: the first callback already sees every entry', async () => {
    const r = recorder();
    const seen: string[][] = [];
    await loginWith(
      [cred(H1, 'a', 0), cred(H2, 'b', 1), cred(H3, 'c', 2)],
      setup('config-file'),
      r.deps,
      () => {
        seen.push(Object.keys(JSON.parse(readFileSync(configPath(), 'utf8')).auths));
      },
    );
    expect(seen).toEqual([
      [H1, H2, H3],
      [H1, H2, H3],
      [H1, H2, H3],
    ]);
    expect(r.checks.map((p) => [p.scheme, p.host, p.token])).toEqual([
      ['https', H1, b64('AWS:a')],
      ['https', H2, b64('AWS:b')],
      ['https', H3, b64('AWS:c')],
    ]);
    expect(r.checks[0]?.settings).toEqual({ env: {}, timeoutMs: 1000, attempts: 1 });
    expect(r.dockers).toEqual([]);
    expect((await stat(configPath())).mode & 0o777).toBe(0o600);
    expect(existsSync(join(dir, 'config.json.lock'))).toBe(false);
  });

  it('does not write a credential the registry refused, and reports it', async () => {
    const r = recorder((host) =>
      host === H2
        ? { ok: false, status: 401, message: `GET https://${H2}/v2/ answered 401 Unauthorized` }
        : { ok: true, status: 200, message: 'ok' },
    );
    const failures = await loginWith(
      [cred(H1, 'a', 0), cred(H2, 'b', 1), cred(H3, 'c', 2)],
      setup('auto'),
      r.deps,
      (c, v) => r.logins.push([c.host, v]),
    );
    // The wording is diagnose's; the message names the host and carries the registry's answer.
    expect(failures.map((f) => f.host)).toEqual([H2]);
    expect(failures[0]?.message).toContain(`GET https://${H2}/v2/ answered 401 Unauthorized`);
    expect(failures[0]?.message).not.toContain('pw-');
    expect(r.logins).toEqual([
      [H1, 'config-file'],
      [H3, 'config-file'],
    ]);
    expect(Object.keys((await readJson()).auths ?? {})).toEqual([H1, H3]);
  });

  it('writes nothing (not even a file) when every check fails', async () => {
    const r = recorder(() => ({ ok: false, message: 'GET https://x/v2/ failed: ECONNREFUSED' }));
    const failures = await loginWith([cred(H1, 'a', 0)], setup('auto'), r.deps, () => {});
    expect(failures).toHaveLength(1);
    expect(failures[0]?.host).toBe(H1);
    expect(failures[0]?.message).toContain('GET https://x/v2/ failed: ECONNREFUSED');
    expect(existsSync(configPath())).toBe(false);
  });

  it('hands helper-owned hosts to docker login on a private copy, one at a time, and verifies the others', async () => {
    const helpers = { [H2]: 'secretservice', [H3]: 'desktop' };
    await writeFile(configPath(), JSON.stringify({ credHelpers: helpers }));
    let active = 0;
    let maxActive = 0;
    const dockers: string[] = [];
    const copies: string[] = [];
    const r = recorder();
    r.deps.dockerLogin = async (host, username, password, env) => {
      active++;
      maxActive = Math.max(maxActive, active);
      // docker sees a 0600 copy of the user's config (so it picks the same store) and leaves its marker there.
      const copy = join(env.DOCKER_CONFIG ?? '', 'config.json');
      copies.push(env.DOCKER_CONFIG ?? '');
      expect(JSON.parse(await readFile(copy, 'utf8')).credHelpers).toEqual(helpers);
      expect((await stat(copy)).mode & 0o777).toBe(0o600);
      await writeFile(copy, JSON.stringify({ auths: { [host]: {} }, credHelpers: helpers }));
      dockers.push(`${host}|${username}|${password}|${env.KEEP}`);
      active--;
      return host === H3 ? { ok: false, message: 'error storing credentials' } : { ok: true, message: '' };
    };
    const failures = await loginWith(
      [cred(H1, 'a', 0), cred(H2, 'b', 1), cred(H3, 'c', 2)],
      setup('auto'),
      r.deps,
      (c, v) => r.logins.push([c.host, v]),
    );
    expect(r.checks.map((p) => p.host)).toEqual([H1]);
    expect(dockers).toEqual([`${H2}|AWS|b|me`, `${H3}|AWS|c|me`]);
    expect(copies.every((c) => c !== dir && !existsSync(c))).toBe(true);
    expect(maxActive).toBe(1);
    expect(r.logins).toEqual([
      [H1, 'config-file'],
      [H2, 'docker-cli'],
    ]);
    expect(failures.map((f) => f.host)).toEqual([H3]);
    expect(failures[0]?.message).toContain('error storing credentials');
    expect(failures[0]?.message).toContain(H3);
    // Only the marker of the host docker logged in is applied to the user's file.
    expect(await readJson()).toEqual({
      credHelpers: helpers,
      auths: { [H1]: { auth: b64('AWS:a') }, [H2]: {} },
    });
  });

  it('gives docker login the http-proxy input as its proxy, keeping NO_PROXY from the environment', async () => {
    const r = recorder();
    const proxied: Setup = {
      ...setup('docker'),
      env: { PATH: '/usr/bin', NO_PROXY: '.internal', HTTPS_PROXY: 'http://env-proxy:1' },
      verify: { env: {}, timeoutMs: 1000, attempts: 1, httpProxy: 'http://input-proxy:3128' },
    };
    await loginWith([cred(H1, 'a', 0)], proxied, r.deps, () => {});
    expect(r.dockers[0]?.env).toMatchObject({
      HTTPS_PROXY: 'http://input-proxy:3128',
      https_proxy: 'http://input-proxy:3128',
      HTTP_PROXY: 'http://input-proxy:3128',
      http_proxy: 'http://input-proxy:3128',
      NO_PROXY: '.internal',
    });
  });

  it('login-method docker sends every host to docker login and verifies none', async () => {
    const r = recorder();
    await loginWith([cred(H1, 'a', 0), cred(H2, 'b', 1)], setup('docker'), r.deps, (c, v) =>
      r.logins.push([c.host, v]),
    );
    expect(r.checks).toEqual([]);
    expect(r.dockers.map((d) => d.host)).toEqual([H1, H2]);
    expect(r.logins).toEqual([
      [H1, 'docker-cli'],
      [H2, 'docker-cli'],
    ]);
    expect(existsSync(configPath())).toBe(false);
  });

  it('isolated: takes our hosts away from every helper (others keep theirs), then writes auths', async () => {
    await writeFile(
      configPath(),
      JSON.stringify({
        credsStore: 'desktop',
        credHelpers: { 'gcr.io': 'gcloud', [H2]: 'secretservice' },
        auths: { 'ghcr.io': {}, [`https://${H1}`]: {} },
      }),
    );
    const r = recorder();
    const failures = await loginWith(
      [cred(H1, 'a', 0), cred(H2, 'b', 1)],
      setup('auto', true),
      r.deps,
      (c, v) => r.logins.push([c.host, v]),
    );
    expect(failures).toEqual([]);
    expect(r.dockers).toEqual([]);
    expect(r.checks.map((p) => p.host)).toEqual([H1, H2]);
    expect(r.logins).toEqual([
      [H1, 'config-file'],
      [H2, 'config-file'],
    ]);
    const written = await readJson();
    // No credsStore left; the hosts it served keep it through explicit credHelpers entries; ours have none.
    expect(written.credsStore).toBeUndefined();
    expect(written.credHelpers).toEqual({ 'ghcr.io': 'desktop', 'gcr.io': 'gcloud' });
    expect(written.auths).toEqual({
      'ghcr.io': {},
      [`https://${H1}`]: {},
      [H1]: { auth: b64('AWS:a') },
      [H2]: { auth: b64('AWS:b') },
    });
  });

  it('config-file never writes a credential a helper would shadow (a host preflight could not know)', async () => {
    await writeFile(configPath(), JSON.stringify({ credHelpers: { [H1]: 'secretservice' } }));
    const r = recorder();
    const failures = await loginWith(
      [cred(H1, 'a', 0), cred(H2, 'b', 1)],
      setup('config-file'),
      r.deps,
      (c, v) => r.logins.push([c.host, v]),
    );
    expect(failures.map((f) => f.host)).toEqual([H1]);
    expect(failures[0]?.message).toMatch(
      /^login-method is config-file, but the docker config sends 111111111111\.dkr\.ecr\.us-east-1\.amazonaws\.com's credentials to the credential helper "secretservice"/,
    );
    expect(r.checks.map((p) => p.host)).toEqual([H2]);
    expect(r.logins).toEqual([[H2, 'config-file']]);
    expect(await readJson()).toEqual({
      credHelpers: { [H1]: 'secretservice' },
      auths: { [H2]: { auth: b64('AWS:b') } },
    });
  });

  it('isolated without any helper adds no credHelpers', async () => {
    const r = recorder();
    await loginWith([cred(H1, 'a', 0)], setup('auto', true), r.deps, () => {});
    expect(await readJson()).toEqual({ auths: { [H1]: { auth: b64('AWS:a') } } });
  });

  it('replaces an older entry for the same host', async () => {
    await writeFile(
      configPath(),
      JSON.stringify({ auths: { [H1]: { auth: 'b2xkOm9sZA==', identitytoken: 'x' } } }),
    );
    const r = recorder();
    await loginWith([cred(H1, 'new', 0)], setup('auto'), r.deps, () => {});
    expect(await readJson()).toEqual({ auths: { [H1]: { auth: b64('AWS:new') } } });
  });

  it('fails on an invalid config before verifying anything, leaving it as it was', async () => {
    await writeFile(configPath(), '{not json');
    const r = recorder();
    await expect(loginWith([cred(H1, 'a', 0)], setup('auto'), r.deps, () => {})).rejects.toThrow(
      `${configPath()} is not a JSON object`,
    );
    expect(r.checks).toEqual([]);
    expect(await readFile(configPath(), 'utf8')).toBe('{not json');
  });

  describe('issue 13: helpers', () => {
    it('serves a host of the Amazon ECR credential helper: checked with its get, nothing written, no docker', async () => {
      const bin = join(dir, 'bin');
      const helper = await installHelper(bin, 'ecr-login', {
        kind: 'ecr-login',
        credentials: { [H1]: { Username: 'AWS', Secret: 'from-the-helper' } },
      });
      const seed = JSON.stringify({ credHelpers: { [H1]: 'ecr-login' } });
      await writeFile(configPath(), seed);
      const r = recorder();
      const s = { ...setup('auto'), env: { PATH: bin } };
      const failures = await loginWith([cred(H1, 'ours', 0)], s, r.deps, (c, v) =>
        r.logins.push([c.host, v]),
      );
      expect(failures).toEqual([]);
      expect(r.logins).toEqual([[H1, 'ecr-helper']]);
      expect(r.checks).toEqual([]);
      expect(r.dockers).toEqual([]);
      expect(await helper.calls()).toEqual([{ verb: 'get', host: H1 }]);
      expect(await readFile(configPath(), 'utf8')).toBe(seed);
    });

    it.each<[string, HelperBehaviour | undefined, RegExp]>([
      ['missing', undefined, /which is not on PATH\. Fix: install docker-credential-ecr-login/],
      [
        'failing get',
        { kind: 'ecr-login', credentials: {}, failGet: 'NoCredentialProviders: no valid providers in chain' },
        /docker-credential-ecr-login failed \(exit 1\): NoCredentialProviders: no valid providers in chain\. Fix: give the job AWS credentials/,
      ],
      ['garbage', { kind: 'garbage' }, /answered \(exit 0\) with output that is not a credential/],
      [
        'unknown host',
        { kind: 'ecr-login', credentials: {} },
        /failed \(exit 1\): credentials not found in native keychain/,
      ],
    ])(
      'fails an Amazon ECR credential helper host when the helper is %s, naming it and the fixes',
      async (_, b, re) => {
        const bin = join(dir, 'bin');
        if (b) await installHelper(bin, 'ecr-login', b);
        await writeFile(configPath(), JSON.stringify({ credsStore: 'ecr-login' }));
        const r = recorder();
        const logins: string[] = [];
        const failures = await loginWith(
          [cred(H1, 'ours', 0)],
          { ...setup('auto'), env: { PATH: bin } },
          r.deps,
          (c) => logins.push(c.host),
        );
        expect(logins).toEqual([]);
        expect(failures).toHaveLength(1);
        expect(failures[0]?.message).toMatch(re);
        expect(failures[0]?.message).toContain(H1);
        expect(failures[0]?.message).toContain("drop the docker config's ecr-login entry");
        expect(failures[0]?.message).toContain('isolate-config: true');
        expect(failures[0]?.message).not.toContain('ours');
      },
    );

    it('auto with a credsStore: docker login (bounded by the API timeout) feeds the store, and our auths entry is there for containers/image', async () => {
      await writeFile(configPath(), JSON.stringify({ credsStore: 'desktop', auths: { 'x.example': {} } }));
      const r = recorder();
      const failures = await loginWith([cred(H1, 'pw', 0)], setup('auto'), r.deps, (c, v) =>
        r.logins.push([c.host, v]),
      );
      expect(failures).toEqual([]);
      expect(r.dockers.map((d) => [d.host, d.timeoutMs])).toEqual([[H1, 1000]]);
      expect(await readJson()).toEqual({
        credsStore: 'desktop',
        auths: { 'x.example': {}, [H1]: { auth: b64('AWS:pw') } },
      });
      expect(warnings).toEqual([]);
    });

    it('a credHelpers entry needs no auths copy (containers/image runs that helper itself)', async () => {
      const seed = { credsStore: 'desktop', credHelpers: { [H1]: 'pass' } };
      await writeFile(configPath(), JSON.stringify(seed));
      const r = recorder();
      await loginWith([cred(H1, 'pw', 0)], setup('auto'), r.deps, () => {});
      expect(await readJson()).toEqual(seed);
    });

    it.skipIf(process.platform !== 'linux')(
      'login-method docker into the platform default store: one warning, naming the store and the fixes',
      async () => {
        const bin = join(dir, 'bin');
        await installHelper(bin, 'pass', { kind: 'store' });
        const r = recorder();
        const s = { ...setup('docker'), env: { PATH: bin } };
        const failures = await loginWith([cred(H1, 'a', 0), cred(H2, 'b', 1)], s, r.deps, () => {});
        expect(failures).toEqual([]);
        expect(warnings).toHaveLength(1);
        expect(warnings[0]).toContain(
          `docker login stored the credential for ${H1} in docker-credential-pass`,
        );
        expect(warnings[0]).toContain('login-method: auto');
      },
    );

    it("a store's refusal of a long password is the helper's message, with the limit, the length and the fixes", async () => {
      await writeFile(configPath(), JSON.stringify({ credsStore: 'wincred' }));
      const long = 'p'.repeat(3188);
      const r = recorder(undefined, () => ({
        ok: false,
        exitCode: 1,
        message:
          'Error saving credentials: error storing credentials - err: exit status 1, out: `The stub received bad data.`',
      }));
      const failures = await loginWith([cred(H1, long, 0)], setup('auto'), r.deps, () => {});
      const m = failures[0]?.message ?? '';
      expect(m).toContain('docker-credential-wincred');
      expect(m).toContain('2,500 characters');
      expect(m).toContain('3,188 characters');
      expect(m).toContain('isolate-config: true');
      expect(m).not.toContain('login-method: auto'); // auto is what ran: the store is the config's
      expect(m).not.toContain(long);
    });

    it("a docker login stopped at its deadline with no helper involved reads as docker's timeout", async () => {
      const r = recorder(undefined, () => ({ ok: false, message: '', timedOutAfterMs: 1000 }));
      const failures = await loginWith([cred(H1, 'pw', 0)], setup('docker'), r.deps, () => {});
      expect(failures[0]?.message).toMatch(
        /^docker login failed: it did not finish within 1 s and was stopped\./,
      );
    });
  });
});
