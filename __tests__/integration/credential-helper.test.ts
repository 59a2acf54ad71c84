// runHelper against a real cache directory; refreshes go to the ECR stand-in through the real SDK.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { runHelper } from '../../src/helper/answer.js';
import {
  CACHE_DIR_VARIABLE,
  type CacheEntry,
  entryFile,
  RECORDED_VARIABLES,
  writeEntry,
} from '../../src/helper/cache.js';
import { type EcrStandIn, startEcrStandIn } from '../support/ecr-stand-in.js';

const ACCOUNT = '111111111111';
const HOST = `${ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com`;
const OLD = 'old-cached-password-0123456789';
const FRESH = 'fresh-password-from-the-api-0123';
const CLIENT_KEY = 'AKIACLIENTKEY0000001';
const CLIENT_SECRET = 'client-secret-key-never-printed';

let standIn: EcrStandIn;
let dir: string;

beforeAll(async () => {
  standIn = await startEcrStandIn({
    accounts: { [`${ACCOUNT}/eu-west-1`]: { proxyEndpoint: `https://${HOST}`, password: FRESH } },
  });
});
afterAll(async () => {
  await standIn.close();
});
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ecr-login-helper-unit-'));
  standIn.requests.length = 0;
  Object.assign(standIn.config, { expiredToken: false, accessDeniedRegions: [], latencyMs: 0 });
  // The client's environment: its own credentials, and (like a later step) no endpoint settings.
  for (const name of [...RECORDED_VARIABLES, 'AWS_PROFILE', 'AWS_SESSION_TOKEN']) vi.stubEnv(name, undefined);
  vi.stubEnv('AWS_ACCESS_KEY_ID', CLIENT_KEY);
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', CLIENT_SECRET);
  vi.stubEnv('AWS_EC2_METADATA_DISABLED', 'true');
  vi.stubEnv(CACHE_DIR_VARIABLE, dir);
});
afterEach(async () => {
  vi.unstubAllEnvs();
  await rm(dir, { recursive: true, force: true });
});

function entry(expiresInMs: number, extra: Partial<CacheEntry> = {}): CacheEntry {
  return {
    version: 1,
    host: HOST,
    username: 'AWS',
    password: OLD,
    expiresAt: new Date(Date.now() + expiresInMs).toISOString(),
    request: { kind: 'private', partition: 'aws', region: 'eu-west-1', fips: false, account: ACCOUNT },
    settings: {
      maxAttempts: 1,
      timeoutSeconds: 5,
      refreshMarginSeconds: 1800,
      // Main's endpoint settings, which a refresh must follow although the client has none.
      env: { AWS_ENDPOINT_URL_ECR: standIn.url, AWS_ENDPOINT_URL_STS: 'http://127.0.0.1:9' },
    },
    ...extra,
  };
}

const get = (input = `${HOST}\n`) => runHelper('get', input, process.env);
const answer = (secret: string, url = HOST) => ({
  out: JSON.stringify({ ServerURL: url, Username: 'AWS', Secret: secret }),
  code: 0,
});

describe('get', () => {
  it('answers from the cache without an API call', async () => {
    await writeEntry(dir, entry(3600_000));
    expect(await get()).toEqual(answer(OLD));
    expect(await get(`https://${HOST}`)).toEqual(answer(OLD, `https://${HOST}`));
    expect(standIn.requests).toHaveLength(0);
  });

  it('says "credentials not found" for a host it does not serve', async () => {
    await writeEntry(dir, entry(3600_000));
    for (const input of ['public.ecr.aws', '', '../../etc/passwd'])
      expect(await get(input)).toEqual({ out: 'credentials not found in native keychain', code: 1 });
  });

  it('renews a token within the margin with the same request and the client credentials', async () => {
    await writeEntry(dir, entry(60_000));
    expect(await get()).toEqual(answer(FRESH));
    expect(standIn.requests).toHaveLength(1);
    expect(standIn.requests[0]).toMatchObject({
      region: 'eu-west-1',
      accessKeyId: CLIENT_KEY,
      body: { registryIds: [ACCOUNT] },
      status: 200,
    });
    const cached = JSON.parse(await readFile(entryFile(dir, HOST), 'utf8')) as CacheEntry;
    expect(cached.password).toBe(FRESH);
    expect(Date.parse(cached.expiresAt)).toBeGreaterThan(Date.now() + 11 * 3600_000);
    expect(await get()).toEqual(answer(FRESH));
    expect(standIn.requests).toHaveLength(1);
  });

  it('makes one API call for eight clients that find the token expired at once', async () => {
    standIn.config.latencyMs = 300;
    await writeEntry(dir, entry(-1000));
    const runs = await Promise.all(Array.from({ length: 8 }, () => get()));
    expect(runs).toEqual(Array.from({ length: 8 }, () => answer(FRESH)));
    expect(standIn.requests).toHaveLength(1);
  });

  it.each([
    [
      'an expired AWS session',
      { expiredToken: true },
      /ExpiredTokenException: the job's AWS session has expired.*Fix: run configure-aws-credentials again/,
    ],
    [
      'a denial',
      { accessDeniedRegions: ['eu-west-1'] },
      /AccessDeniedException: ecr:GetAuthorizationToken was denied.*Fix: attach to/,
    ],
  ])('reports %s in one line naming the host, the cause and the fix', async (_, fault, cause) => {
    Object.assign(standIn.config, fault);
    const before = entry(-1000);
    await writeEntry(dir, before);
    const run = await get();
    expect(run.code).toBe(1);
    expect(run.out).toMatch(
      new RegExp(
        `^ecr-login credential helper: ${HOST.replace(/\./g, '\\.')}: cannot refresh the ECR token: `,
      ),
    );
    expect(run.out).toMatch(cause);
    expect(run.out).not.toMatch(/\n/);
    for (const secret of [OLD, CLIENT_SECRET, CLIENT_KEY]) expect(run.out).not.toContain(secret);
    expect(JSON.parse(await readFile(entryFile(dir, HOST), 'utf8'))).toEqual(before);
  });

  it('reports an unreachable endpoint as a network failure', async () => {
    await writeEntry(
      dir,
      entry(-1000, {
        settings: { ...entry(0).settings, env: { AWS_ENDPOINT_URL_ECR: 'http://127.0.0.1:9' } },
      }),
    );
    const run = await get();
    expect(run.code).toBe(1);
    expect(run.out).toMatch(
      /cannot refresh the ECR token: .*the connection to 127\.0\.0\.1:9 was refused.*Fix: /,
    );
  });

  it('names a bad cache file and shows nothing of its content', async () => {
    await writeFile(entryFile(dir, HOST), JSON.stringify({ ...entry(3600_000), expiresAt: OLD }));
    expect(await get()).toEqual({
      out: `ecr-login credential helper: ${HOST}: the credential helper cache ${entryFile(dir, HOST)} is invalid: expiresAt`,
      code: 1,
    });
  });
});

describe('store, erase and list', () => {
  it('lets docker login and logout succeed on a served host and changes nothing', async () => {
    await writeEntry(dir, entry(3600_000));
    const before = await readFile(entryFile(dir, HOST), 'utf8');
    const stored = JSON.stringify({ ServerURL: HOST, Username: 'AWS', Secret: 'typed-by-the-user' });
    expect(await runHelper('store', stored, process.env)).toEqual({ out: '', code: 0 });
    expect(await runHelper('erase', HOST, process.env)).toEqual({ out: '', code: 0 });
    expect(await readFile(entryFile(dir, HOST), 'utf8')).toBe(before);
    expect(await get()).toEqual(answer(OLD));
  });

  it('stores nothing for another host', async () => {
    const stored = JSON.stringify({ ServerURL: 'other.example', Username: 'u', Secret: 'typed-by-the-user' });
    const run = await runHelper('store', stored, process.env);
    expect(run).toEqual({
      out: 'ecr-login credential helper: it serves only the hosts ecr-login logged in to',
      code: 1,
    });
    expect(await runHelper('erase', 'other.example', process.env)).toEqual({
      out: 'credentials not found in native keychain',
      code: 1,
    });
  });

  it('lists the served hosts', async () => {
    await writeEntry(dir, entry(3600_000));
    await writeEntry(dir, { ...entry(3600_000), host: '127.0.0.1:5000' });
    expect(JSON.parse((await runHelper('list', '', process.env)).out)).toEqual({
      [HOST]: 'AWS',
      '127.0.0.1:5000': 'AWS',
    });
  });

  it('refuses an unknown action and a call without its launcher', async () => {
    expect(await runHelper('version', '', process.env)).toEqual({
      out: 'ecr-login credential helper: unknown action "version"; expected get, store, erase or list',
      code: 1,
    });
    expect(await runHelper('get', HOST, {})).toEqual({
      out: `ecr-login credential helper: ${CACHE_DIR_VARIABLE} is not set; run it through its launcher`,
      code: 1,
    });
  });
});
