// The helper store on temp files: what it records before it touches the config (so post can undo a main
// that stopped anywhere), what remove takes away and what it leaves, and each host's renewal request.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { DockerCredential, HelperRecord, Settings } from '../../src/action/types.js';
import { parseRegistryItem } from '../../src/ecr/registry.js';
import { readEntry } from '../../src/helper/cache.js';
import { helperStore, hostRequest, withoutHelper } from '../../src/stores/helper.js';
import type { AddContext } from '../../src/stores/store.js';

const HOST = '111111111111.dkr.ecr-fips.us-gov-west-1.amazonaws.com';
const PASSWORD = 'helper-store-unit-password';

const credential = (over: Partial<DockerCredential> = {}): DockerCredential => ({
  host: HOST,
  scheme: 'https',
  username: 'AWS',
  password: PASSWORD,
  auth: Buffer.from(`AWS:${PASSWORD}`).toString('base64'),
  expiresAt: new Date('2030-01-01T00:00:00Z'),
  kind: 'private',
  account: '111111111111',
  region: 'us-gov-west-1',
  order: 0,
  ...over,
});

let temp: string;
let configDir: string;
let runnerTemp: string;
beforeEach(async () => {
  temp = await mkdtemp(join(tmpdir(), 'ecr-login-helper-store-'));
  configDir = join(temp, 'docker');
  runnerTemp = join(temp, 'runner-temp');
  await writeFile(join(temp, 'path'), '');
  await mkdir(runnerTemp);
  vi.stubEnv('GITHUB_PATH', join(temp, 'path'));
});
afterEach(async () => {
  vi.unstubAllEnvs();
  await rm(temp, { recursive: true, force: true });
});

function context(events: string[], settings: Partial<Settings> = {}): AddContext {
  const parsed = parseRegistryItem(HOST);
  if (!parsed.ok) throw new Error('bad host');
  return {
    dir: configDir,
    env: { RUNNER_TEMP: runnerTemp, AWS_ENDPOINT_URL_ECR: 'https://vpce.example' },
    settings: {
      registries: [parsed.registry],
      maskPassword: true,
      skipLogout: false,
      maxAttempts: 2,
      apiTimeoutSeconds: 7,
      isolateConfig: false,
      loginMethod: 'helper',
      roles: new Map(),
      profiles: new Map(),
      aliases: [],
      ...settings,
    },
    verify: { env: {}, timeoutMs: 1000, attempts: 1 },
    tools: {
      verify: async () => ({ ok: true, status: 200, message: 'ok' }),
      dockerLogin: async () => {
        throw new Error('the helper store never runs docker login');
      },
      helperBundle: '/opt/ecr-login/dist/helper/index.js',
    },
    warn: (text) => events.push(`warn ${text}`),
    installed: (h) => events.push(`installed ${h.name} config:${existsSync(join(configDir, 'config.json'))}`),
  };
}

describe('helperStore.add', () => {
  it('records the home before the config names the helper, then puts the launcher on PATH', async () => {
    const events: string[] = [];
    expect(await helperStore.add([credential()], context(events))).toEqual([]);
    const [home] = await readdir(runnerTemp);
    const config = JSON.parse(await readFile(join(configDir, 'config.json'), 'utf8'));
    const name = config.credHelpers[HOST];
    expect(name).toMatch(/^ecr-login-job-[0-9a-f]{8}$/);
    expect(events).toEqual([`installed ${name} config:false`]);
    expect(await readFile(join(temp, 'path'), 'utf8')).toBe(`${join(runnerTemp, home ?? '', 'bin')}\n`);
    const entry = await readEntry(join(runnerTemp, home ?? '', 'cache'), HOST);
    expect(entry?.request).toEqual(hostRequest(credential(), context([]).settings.registries[0]));
    expect(entry?.settings).toMatchObject({ maxAttempts: 2, timeoutSeconds: 7 });
    expect(entry?.settings.env).toEqual({ AWS_ENDPOINT_URL_ECR: 'https://vpce.example' });
  });

  it('leaves everything recorded for post when it stops after the config write', async () => {
    vi.stubEnv('GITHUB_PATH', undefined);
    await mkdir(configDir);
    await writeFile(join(configDir, 'config.json'), '{"credHelpers": {"ghcr.io": "gh"}}\n');
    let helper: HelperRecord | undefined;
    const ctx = { ...context([]), installed: (h: HelperRecord) => (helper = h) };
    await expect(helperStore.add([credential()], ctx)).rejects.toThrow(/GITHUB_PATH is not set/);
    if (!helper) throw new Error('no helper recorded');
    const user = { credHelpers: { 'ghcr.io': 'gh', [HOST]: helper.name } };
    expect(JSON.parse(await readFile(join(configDir, 'config.json'), 'utf8'))).toEqual(user);

    await helperStore.remove([HOST], {
      ...ctx,
      tools: { dockerLogout: vi.fn() },
      debug: vi.fn(),
      warning: vi.fn(),
      helper,
    });
    expect(JSON.parse(await readFile(join(configDir, 'config.json'), 'utf8'))).toEqual({
      credHelpers: { 'ghcr.io': 'gh' },
    });
    expect(await readdir(runnerTemp)).toEqual([]);
  });

  it('writes nothing when the registry refuses every credential', async () => {
    const ctx = context([]);
    ctx.tools.verify = async () => ({ ok: false, status: 401, message: 'unauthorized' });
    const refused = await helperStore.add([credential()], ctx);
    expect(refused.map((r) => r.outcome)).toEqual([{ store: 'helper', status: 401, detail: 'unauthorized' }]);
    expect(await readdir(runnerTemp)).toEqual([]);
    expect(existsSync(join(configDir, 'config.json'))).toBe(false);
  });
});

describe('helperStore.remove', () => {
  it('keeps an entry someone pointed elsewhere since, and refuses a home outside RUNNER_TEMP', async () => {
    await mkdir(configDir);
    const config = '{\n  "credHelpers": { "a.example": "ecr-login-job-0000000a", "b.example": "mine" }\n}\n';
    await writeFile(join(configDir, 'config.json'), config);
    const elsewhere = await mkdtemp(join(temp, 'ecr-login-helper-'));
    const remove = (helper: HelperRecord) =>
      helperStore.remove(['a.example', 'b.example'], {
        dir: configDir,
        env: { RUNNER_TEMP: runnerTemp },
        tools: { dockerLogout: vi.fn() },
        debug: vi.fn(),
        warning: vi.fn(),
        helper,
      });
    await expect(
      remove({ dir: elsewhere, name: 'ecr-login-job-0000000a', id: '0'.repeat(32) }),
    ).rejects.toThrow(/not ours in RUNNER_TEMP; nothing was deleted/);
    expect(existsSync(elsewhere)).toBe(true);
    expect(JSON.parse(await readFile(join(configDir, 'config.json'), 'utf8')).credHelpers).toEqual({
      'b.example': 'mine',
    });
  });
});

describe('hostRequest', () => {
  it('takes the partition and FIPS from the listed registry, the account and role from the credential', () => {
    const parsed = parseRegistryItem(HOST);
    if (!parsed.ok) throw new Error('bad host');
    expect(hostRequest(credential({ role: 'arn:aws-us-gov:iam::1:role/r' }), parsed.registry)).toEqual({
      kind: 'private',
      partition: 'aws-us-gov',
      region: 'us-gov-west-1',
      fips: true,
      account: '111111111111',
      role: 'arn:aws-us-gov:iam::1:role/r',
    });
  });

  it('reads the partition from the region for the default registry, and knows ECR Public', () => {
    const local = credential({ host: '127.0.0.1:5000', region: 'cn-north-1' });
    expect(hostRequest(local, undefined)).toEqual({
      kind: 'private',
      partition: 'aws-cn',
      region: 'cn-north-1',
      fips: false,
      account: '111111111111',
    });
    const pub = credential({ host: 'public.ecr.aws', kind: 'public', region: 'us-east-1' });
    expect(hostRequest(pub, undefined)).toEqual({ kind: 'public', region: 'us-east-1' });
  });
});

describe('withoutHelper', () => {
  it('drops only the entries naming the helper, and returns the same config when there are none', () => {
    const config = { credHelpers: { a: 'x', b: 'ours' }, credsStore: 'desktop' };
    expect(withoutHelper(config, 'ours')).toEqual({ credHelpers: { a: 'x' }, credsStore: 'desktop' });
    expect(withoutHelper(config, 'other')).toBe(config);
  });
});
