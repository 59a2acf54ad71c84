// The credential helper bundle (dist/helper, run through its launcher) with REAL clients: skopeo pushes
// through an ECR-like front that refuses expired tokens to a REAL docker-registry, and the REAL docker
// CLI logs in and out of the served host. The first token comes from the ECR stand-in through the same
// modules main uses; later tokens are refreshed by the helper itself, with the client's AWS credentials
// and the endpoint recorded in the cache (the clients' environment has no endpoint settings).
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { credentialsFor } from '../../src/credentials.js';
import { type CacheEntry, entryFile, newEntry, readEntry, writeEntry } from '../../src/helper/cache.js';
import {
  credHelperEntries,
  type HelperHome,
  installHelper,
  removeHelper,
} from '../../src/helper/launcher.js';
import { getAuthorizationToken } from '../../src/token-api.js';
import type { TokenRequest } from '../../src/token-plan.js';
import { makeTempDir, removeDir, waitFor } from '../support/daemon.js';
import { type EcrStandIn, startEcrStandIn } from '../support/ecr-stand-in.js';
import { type ExpiringFront, startExpiringFront } from '../support/expiring-front.js';
import { writeOciImage } from '../support/oci-image.js';
import { type Registry, requireTool, startRegistry } from '../support/registry.js';
import { findTool } from '../support/tools.js';
import { runTool } from './clients.js';

const BUNDLE = fileURLToPath(new URL('../../dist/helper/index.js', import.meta.url));
const ready =
  requireTool('docker-registry') && requireTool('htpasswd') && requireTool('skopeo') && requireTool('docker');
const ACCOUNT = '111111111111';
const REGION = 'us-east-1';
const CLIENT_KEY = 'AKIAHELPERCLIENT0001';
const CLIENT_SECRET = 'helper-client-secret-not-printed';
/** Short-lived tokens, renewed this close to expiry. */
const SHORT_TTL_SECONDS = 8;
const MARGIN_SECONDS = 2;

describe.skipIf(!ready)('credential helper with real clients', () => {
  let temp: string;
  let registry: Registry;
  let standIn: EcrStandIn;
  let front: ExpiringFront;
  let home: HelperHome;
  let image: string;
  let env: Record<string, string>;

  /** A client with the helper configured for the front, its own AWS keys, and no endpoint settings. */
  async function clientEnv(name: string, config: object): Promise<Record<string, string>> {
    const dir = join(temp, name);
    await mkdir(join(dir, 'xdg'), { recursive: true });
    await writeFile(join(dir, 'config.json'), JSON.stringify(config));
    return {
      PATH: `${home.binDir}:/usr/bin:/bin`,
      HOME: dir,
      XDG_RUNTIME_DIR: join(dir, 'xdg'),
      DOCKER_CONFIG: dir,
      AWS_ACCESS_KEY_ID: CLIENT_KEY,
      AWS_SECRET_ACCESS_KEY: CLIENT_SECRET,
      AWS_EC2_METADATA_DISABLED: 'true',
    };
  }

  const tokenCalls = () => standIn.requests.filter((r) => r.status === 200).length;
  const cached = async () => (await readEntry(home.cacheDir, front.host)) as CacheEntry;
  const push = (e: Record<string, string>, tag: string) =>
    runTool('skopeo', ['copy', '--dest-tls-verify=false', image, `docker://${front.host}/e2e/app:${tag}`], e);
  const inspect = (e: Record<string, string>) =>
    runTool('skopeo', ['inspect', '--tls-verify=false', `docker://${front.host}/e2e/app:v1`], e);

  /** Waits until the cached token has expired at the front, then lets the stand-in issue long-lived tokens. */
  async function expireCachedToken(): Promise<CacheEntry> {
    const old = await cached();
    await waitFor(
      'the cached token to expire',
      () => (Date.now() > Date.parse(old.expiresAt) ? true : undefined),
      30_000,
    );
    standIn.config.tokenTtlSeconds = 3600;
    return old;
  }

  beforeAll(async () => {
    if (!existsSync(BUNDLE)) throw new Error(`${BUNDLE} is missing: run npm run build first`);
    temp = await makeTempDir('helper-e2e');
    registry = await startRegistry({ password: 'helper-e2e-account-pw' });
    // The caller's own registry (no registryIds), as main asks for a loopback stand-in's.
    standIn = await startEcrStandIn({
      accounts: {},
      defaultAccount: ACCOUNT,
      distinctTokens: true,
      tokenTtlSeconds: SHORT_TTL_SECONDS,
    });
    front = await startExpiringFront(registry.url, standIn);
    standIn.config.accounts[`${ACCOUNT}/${REGION}`] = {
      proxyEndpoint: front.url,
      password: registry.password,
    };
    home = await installHelper(temp, BUNDLE);
    image = await writeOciImage(join(temp, 'image'));
    env = await clientEnv('helper', { credHelpers: credHelperEntries([front.host], home.name) });
  });
  afterAll(async () => {
    vi.unstubAllEnvs();
    if (home) await removeHelper(home.dir);
    await front?.close();
    await standIn?.close();
    await registry?.close();
    if (temp) await removeDir(temp);
  });

  /** What main does for the helper method: fetch and cache the first token (the SDK reads process.env). */
  async function cacheFirstToken(): Promise<void> {
    standIn.config.tokenTtlSeconds = SHORT_TTL_SECONDS;
    const mainEnv = {
      AWS_ENDPOINT_URL_ECR: standIn.url,
      AWS_ACCESS_KEY_ID: 'AKIAMAINSTEP00000001',
      AWS_SECRET_ACCESS_KEY: 's',
    };
    for (const [k, v] of Object.entries(mainEnv)) vi.stubEnv(k, v);
    const request: TokenRequest = {
      kind: 'private',
      partition: 'aws',
      region: REGION,
      fips: false,
      registryIds: [],
      registries: [],
    };
    const settings = { maxAttempts: 1, timeoutSeconds: 10, env: { ...mainEnv } };
    try {
      const { data } = await getAuthorizationToken(request, settings);
      const [credential] = credentialsFor(
        request,
        data,
        () => 0,
        false,
        () => {},
      );
      if (!credential) throw new Error('no credential');
      expect(credential.host).toBe(front.host);
      await writeEntry(home.cacheDir, newEntry(credential, request, settings, MARGIN_SECONDS));
    } finally {
      vi.unstubAllEnvs();
    }
  }

  it('pushes, outlives the token and pushes again through a refresh; the file method fails', async () => {
    await cacheFirstToken();
    const first = await push(env, 'v1');
    expect(first.code, first.out).toBe(0);
    const old = await expireCachedToken();
    const callsBefore = tokenCalls();

    // The file method today: the same token written into the config, refused once it has expired.
    const fileEnv = await clientEnv('file', {
      auths: { [front.host]: { auth: Buffer.from(`${old.username}:${old.password}`).toString('base64') } },
    });
    const refusedBefore = front.refused;
    const stale = await push(fileEnv, 'v1');
    expect(stale.code).not.toBe(0);
    expect(stale.out).toMatch(/403|forbidden|authorization token has expired/i);
    expect(front.refused).toBeGreaterThan(refusedBefore);
    expect(tokenCalls()).toBe(callsBefore);

    const again = await push(env, 'v1');
    expect(again.code, again.out).toBe(0);
    expect(tokenCalls()).toBe(callsBefore + 1);
    const renewed = standIn.requests.at(-1);
    expect(renewed?.accessKeyId).toBe(CLIENT_KEY);
    const fresh = await cached();
    expect(fresh.password).not.toBe(old.password);
    expect(Date.parse(fresh.expiresAt)).toBeGreaterThan(Date.now() + 3000_000);
    for (const secret of [fresh.password, old.password, CLIENT_SECRET]) {
      expect(again.out).not.toContain(secret);
      expect(await readFile(home.launcher, 'utf8')).not.toContain(secret);
    }
  });

  it('makes one GetAuthorizationToken call for eight clients that ask at once after expiry', async () => {
    await cacheFirstToken();
    await expireCachedToken();
    const callsBefore = tokenCalls();
    const runs = await Promise.all(Array.from({ length: 8 }, () => inspect(env)));
    for (const r of runs) expect(r.code, r.out).toBe(0);
    expect(tokenCalls()).toBe(callsBefore + 1);
  });

  it('keeps serving the host after a real docker login and logout on it', async () => {
    await cacheFirstToken();
    standIn.config.tokenTtlSeconds = 3600;
    const docker = (args: string[], input = '') =>
      new Promise<{ code: number; out: string }>((resolve) => {
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
    // docker proves the password with the registry itself, then hands it to the helper's `store`.
    const { password } = await cached();
    const login = await docker(['login', '--username', 'AWS', '--password-stdin', front.host], password);
    expect(login.code, login.out).toBe(0);
    expect(login.out).toMatch(/Login Succeeded/);
    expect(login.out).not.toContain(password);
    const config = JSON.parse(await readFile(join(env.DOCKER_CONFIG as string, 'config.json'), 'utf8'));
    expect(config.credHelpers).toEqual({ [front.host]: home.name });
    const logout = await docker(['logout', front.host]);
    expect(logout.code, logout.out).toBe(0);
    expect(logout.out).not.toMatch(/could not erase|error/i);
    expect(existsSync(entryFile(home.cacheDir, front.host))).toBe(true);
    const after = await push(env, 'after-logout');
    expect(after.code, after.out).toBe(0);
  });
});
