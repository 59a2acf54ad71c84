import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DockerCredential } from '../../src/action/types.js';
import {
  type CacheEntry,
  entryFile,
  type HostRequest,
  listEntries,
  needsRefresh,
  newEntry,
  parseEntry,
  REFRESH_MARGIN_SECONDS,
  readEntry,
  writeEntry,
} from '../../src/helper/cache.js';

const HOST = '111111111111.dkr.ecr.eu-west-1.amazonaws.com';
const SECRET = 'cache-unit-password-0123456789';

function entry(extra: Partial<CacheEntry> = {}): CacheEntry {
  return {
    version: 1,
    host: HOST,
    username: 'AWS',
    password: SECRET,
    expiresAt: '2030-01-01T12:00:00.000Z',
    request: { kind: 'private', partition: 'aws', region: 'eu-west-1', fips: false, account: '111111111111' },
    settings: { maxAttempts: 3, timeoutSeconds: 10, refreshMarginSeconds: 1800, env: {} },
    ...extra,
  };
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ecr-login-cache-unit-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('entryFile', () => {
  it('keeps a file per host inside the directory, with names valid on Windows', () => {
    expect(entryFile('/c', HOST)).toBe(`/c/${HOST}.json`);
    expect(entryFile('/c', '127.0.0.1:5000')).toBe('/c/127.0.0.1_3a5000.json');
    expect(entryFile('/c', '[::1]:5000')).toBe('/c/_5b_3a_3a1_5d_3a5000.json');
  });

  it.each(['../etc', 'a/b', '', 'A.example', 'a..b', 'host:port'])('refuses %j', (bad) => {
    expect(() => entryFile('/c', bad)).toThrow(/not a registry host/);
  });
});

describe('parseEntry', () => {
  it('accepts a well-formed entry', () => {
    expect(parseEntry(JSON.stringify(entry()), '/c/x.json')).toEqual(entry());
    const pub = entry({
      host: 'public.ecr.aws',
      request: { kind: 'public', region: 'us-east-1', role: 'arn:r' },
    });
    expect(parseEntry(JSON.stringify(pub), '/c/x.json')).toEqual(pub);
  });

  const broken: Array<[string, unknown]> = [
    ['not JSON', '{'],
    ['not an object', []],
    ['unknown version', { ...entry(), version: 2 }],
    ['host', { ...entry(), host: '../x' }],
    ['username', { ...entry(), username: '' }],
    ['password', { ...entry(), password: 7 }],
    ['expiresAt', { ...entry(), expiresAt: 'soon' }],
    ['request.kind', { ...entry(), request: { kind: 'other', region: 'x' } }],
    ['request.region', { ...entry(), request: { kind: 'public', region: 'eu-west-1' } }],
    ['request.account', { ...entry(), request: { ...entry().request, account: '12' } }],
    ['request', { ...entry(), request: { ...entry().request, fips: 'no' } }],
    ['settings.maxAttempts', { ...entry(), settings: { ...entry().settings, maxAttempts: 0 } }],
    ['settings.timeoutSeconds', { ...entry(), settings: { ...entry().settings, timeoutSeconds: '9' } }],
    [
      'settings.refreshMarginSeconds',
      { ...entry(), settings: { ...entry().settings, refreshMarginSeconds: -1 } },
    ],
    [
      'settings.env.AWS_SECRET_ACCESS_KEY',
      { ...entry(), settings: { ...entry().settings, env: { AWS_SECRET_ACCESS_KEY: 'k' } } },
    ],
  ];
  it.each(broken)('names the file and the bad field (%s), never a value', (what, value) => {
    const text = typeof value === 'string' ? value : JSON.stringify(value);
    let message = '';
    try {
      parseEntry(text, '/c/host.json');
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toBe(`the credential helper cache /c/host.json is invalid: ${what}`);
    expect(message).not.toContain(SECRET);
  });
});

describe('needsRefresh', () => {
  it('renews a token that expires within the margin', () => {
    const at = Date.parse(entry().expiresAt);
    expect(needsRefresh(entry(), at - 1800_000 - 1)).toBe(false);
    expect(needsRefresh(entry(), at - 1800_000)).toBe(true);
    expect(needsRefresh(entry(), at + 1)).toBe(true);
  });
  it('defaults to 30 minutes', () => {
    expect(REFRESH_MARGIN_SECONDS).toBe(1800);
  });
});

describe('newEntry', () => {
  const credential: DockerCredential = {
    host: HOST,
    scheme: 'https',
    username: 'AWS',
    password: SECRET,
    auth: Buffer.from(`AWS:${SECRET}`).toString('base64'),
    expiresAt: new Date('2030-01-01T12:00:00Z'),
    kind: 'private',
    account: '111111111111',
    region: 'eu-west-1',
    order: 0,
  };
  const request: HostRequest = {
    kind: 'private',
    partition: 'aws',
    region: 'eu-west-1',
    fips: true,
    account: '111111111111',
    role: 'arn:aws:iam::111111111111:role/pull',
  };

  it('records the host request, settings and endpoint/proxy variables, never AWS credentials', () => {
    const env = {
      AWS_ENDPOINT_URL_ECR: 'https://vpce.example',
      HTTPS_PROXY: 'http://proxy:3128',
      AWS_ACCESS_KEY_ID: 'AKIAXXXXXXXXXXXXXXXX',
      AWS_SECRET_ACCESS_KEY: 'never-in-the-cache',
      AWS_SESSION_TOKEN: 'never-in-the-cache-either',
      AWS_PROFILE: 'ci',
    };
    const e = newEntry(credential, request, {
      maxAttempts: 4,
      timeoutSeconds: 20,
      httpProxy: 'http://p:1',
      env,
    });
    expect(e).toEqual({
      version: 1,
      host: HOST,
      username: 'AWS',
      password: SECRET,
      expiresAt: '2030-01-01T12:00:00.000Z',
      request: {
        kind: 'private',
        partition: 'aws',
        region: 'eu-west-1',
        fips: true,
        account: '111111111111',
        role: 'arn:aws:iam::111111111111:role/pull',
      },
      settings: {
        maxAttempts: 4,
        timeoutSeconds: 20,
        refreshMarginSeconds: 1800,
        httpProxy: 'http://p:1',
        profile: 'ci',
        env: { AWS_ENDPOINT_URL_ECR: 'https://vpce.example', HTTPS_PROXY: 'http://proxy:3128' },
      },
    });
    expect(parseEntry(JSON.stringify(e), 'x')).toEqual(e);
  });
});

describe('the cache files', () => {
  it('writes a 0600 file per host, reads it back and lists the hosts', async () => {
    const cache = dir;
    const local = entry({ host: '127.0.0.1:5000' });
    await writeEntry(cache, entry());
    await writeEntry(cache, local);
    expect((await stat(entryFile(cache, HOST))).mode & 0o777).toBe(0o600);
    expect(await readEntry(cache, HOST)).toEqual(entry());
    expect(await readEntry(cache, 'other.example')).toBeUndefined();
    expect((await listEntries(cache)).map((e) => e.host)).toEqual([HOST, local.host]);
    expect((await readdir(cache)).sort()).toEqual([
      '111111111111.dkr.ecr.eu-west-1.amazonaws.com.json',
      '127.0.0.1_3a5000.json',
    ]);
  });

  it('replaces an entry whole', async () => {
    await writeEntry(dir, entry());
    await writeEntry(dir, entry({ expiresAt: '2031-01-01T00:00:00.000Z' }));
    expect(JSON.parse(await readFile(entryFile(dir, HOST), 'utf8')).expiresAt).toBe(
      '2031-01-01T00:00:00.000Z',
    );
    expect(await readdir(dir)).toHaveLength(1);
  });

  it('refuses an entry that sits in another host file', async () => {
    await writeFile(entryFile(dir, 'other.example'), JSON.stringify(entry()));
    await expect(readEntry(dir, 'other.example')).rejects.toThrow(
      `the credential helper cache ${entryFile(dir, 'other.example')} is invalid: host`,
    );
    expect(await listEntries(dir)).toEqual([]);
  });
});
