// The /v2/ check and the token API through a REAL tinyproxy: a proxy variable without a scheme is used as
// http://, and a proxy that refuses us (407) is named, without its password, as refusing authentication.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { describeApiFailure } from '../../src/diagnose/api.js';
import { ECR } from '../../src/ecr/aws-env.js';
import { getAuthorizationToken } from '../../src/ecr/token-api.js';
import { verifyCredential } from '../../src/net/verify.js';
import { type EcrStandIn, startEcrStandIn } from '../support/ecr-stand-in.js';
import { type LoopbackServer, startLoopbackServer } from '../support/loopback-server.js';
import { type ProxyServer, requireTool, startProxy } from '../support/proxy.js';

const AUTH = Buffer.from('AWS:verify-password').toString('base64');
const PROXY_PASSWORD = 'proxy-pass-7f3k';
const hasProxy = requireTool('tinyproxy');

let registry: LoopbackServer;
let host: string;
let open: ProxyServer;
let guarded: ProxyServer;
let ecr: EcrStandIn;

beforeAll(async () => {
  if (!hasProxy) return;
  registry = await startLoopbackServer((_, res) => {
    res.writeHead(200).end('{}');
  });
  host = `127.0.0.1:${registry.port}`;
  [open, guarded, ecr] = await Promise.all([
    startProxy(),
    startProxy({ basicAuth: { user: 'ci', password: PROXY_PASSWORD } }),
    startEcrStandIn({
      accounts: { '111111111111/us-east-1': { proxyEndpoint: 'https://x.example', password: 'pw' } },
      defaultAccount: '111111111111',
    }),
  ]);
});

afterAll(async () => {
  if (!hasProxy) return;
  await Promise.all([registry?.close(), open?.close(), guarded?.close(), ecr?.close()]);
});

const settings = (env: NodeJS.ProcessEnv) => ({ env, timeoutMs: 10_000, attempts: 1 });
const verify = (env: NodeJS.ProcessEnv) =>
  verifyCredential({ scheme: 'http', host, auth: AUTH }, settings(env));

describe.skipIf(!hasProxy)('the /v2/ check through tinyproxy', () => {
  it('uses HTTP_PROXY=host:port (no scheme) as http://host:port', async () => {
    const result = await verify({ HTTP_PROXY: `127.0.0.1:${open.port}` });
    expect(result).toMatchObject({ ok: true, status: 200 });
    expect(await open.requests()).toContain(`GET http://${host}/v2/ HTTP/1.1`);
  });

  it('names a proxy that asks for authentication (407)', async () => {
    const proxy = `127.0.0.1:${guarded.port}`;
    const result = await verify({ HTTP_PROXY: proxy });
    expect(result).toMatchObject({ ok: false, status: 407 });
    expect(result.message).toContain(`the proxy 127.0.0.1:${guarded.port} refused authentication`);
  });

  it('never shows the password of a proxy URL that the proxy refuses', async () => {
    // tinyproxy answers wrong credentials with 401 (missing ones with 407); either way no password.
    const proxy = `http://ci:wrong-${PROXY_PASSWORD}@127.0.0.1:${guarded.port}`;
    const result = await verify({ HTTP_PROXY: proxy });
    expect(result.ok).toBe(false);
    expect(result.message).not.toContain(PROXY_PASSWORD);
  });
});

describe.skipIf(!hasProxy)('the token API through tinyproxy', () => {
  it('a proxy answering 407 is named as refusing authentication, without its password', async () => {
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIAPROXYAUTHTEST001');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'proxy-auth-secret');
    vi.stubEnv('AWS_ENDPOINT_URL_ECR', ecr.url);
    try {
      const env = { AWS_ENDPOINT_URL_ECR: ecr.url, HTTP_PROXY: `127.0.0.1:${guarded.port}` };
      const settings = { maxAttempts: 1, timeoutSeconds: 5, env };
      const request = {
        kind: 'private' as const,
        partition: 'aws' as const,
        region: 'us-east-1',
        fips: false,
        registryIds: [],
        registries: [],
      };
      const error = await getAuthorizationToken(request, settings).then(
        () => undefined,
        (e: unknown) => e,
      );
      const message = await describeApiFailure(error, {
        service: ECR,
        action: 'ecr:GetAuthorizationToken',
        region: 'us-east-1',
        fips: false,
        settings,
      });
      expect(message).toContain(`the proxy 127.0.0.1:${guarded.port} refused authentication`);
      expect(message).not.toContain(PROXY_PASSWORD);
      expect(ecr.requests).toHaveLength(0);
    } finally {
      vi.unstubAllEnvs();
    }
  });
});
