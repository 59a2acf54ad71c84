// Proxy support proven end to end: the built dist bundle, run by the runner emulator, with its AWS calls
// and its /v2/ proof going through a REAL tinyproxy on loopback. What went through the proxy is read
// from tinyproxy's own log; what NO_PROXY exempts must be missing from it.
import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import { createServer as createTlsServer, type Server as TlsServer } from 'node:tls';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { bypassesProxy, proxyFor } from '../../src/net/proxy.js';
import { freePort, makeTempDir, removeDir } from '../support/daemon.js';
import { type ProxyServer, requireTool, startProxy } from '../support/proxy.js';
import type { ActionRun, RunActionOptions } from '../support/runner.js';
import { errorsOf, expectNotPrinted, useMainRuns } from './helpers.js';

const ACCOUNT = '123456789012';
const OTHER = '222222222222';
const REGION = 'us-east-1';
const PASSWORD = 'registry-password-proxy-0001';
const SECRET = 'proxyE2eSecretAccessKey/DoNotPrint+0123456';
const SESSION_TOKEN = 'IQoJb3JpZ2luX2VjEProxyE2ESessionTokenDoNotPrint';
const PROXY_USER = 'ci-proxy-user';
const PROXY_PASSWORD = 'Pr0xy-Secret%40Pass';

describe('NO_PROXY / proxy selection rules (src/net/proxy.ts)', () => {
  const at = (url: string) => new URL(url);
  it.each([
    ['exact host', 'api.ecr.us-east-1.amazonaws.com', 'https://api.ecr.us-east-1.amazonaws.com', true],
    [
      'exact host, other host',
      'api.ecr.us-east-1.amazonaws.com',
      'https://sts.us-east-1.amazonaws.com',
      false,
    ],
    ['.suffix', '.amazonaws.com', 'https://api.ecr.us-east-1.amazonaws.com', true],
    ['.suffix matches the bare domain', '.amazonaws.com', 'https://amazonaws.com', true],
    ['*.suffix', '*.amazonaws.com', 'https://sts.us-east-1.amazonaws.com', true],
    ['bare domain covers subdomains', 'amazonaws.com', 'https://api.ecr.us-east-1.amazonaws.com', true],
    ['no partial label match', 'zonaws.com', 'https://api.ecr.us-east-1.amazonaws.com', false],
    ['*', '*', 'https://anything.example', true],
    ['host:port, same port', '127.0.0.1:5000', 'http://127.0.0.1:5000/v2/', true],
    ['host:port, other port', '127.0.0.1:5000', 'http://127.0.0.1:5001/v2/', false],
    ['host:port, default https port', 'registry.corp:443', 'https://registry.corp/v2/', true],
    ['case-insensitive', 'API.ECR.US-EAST-1.AMAZONAWS.COM', 'https://api.ecr.us-east-1.amazonaws.com', true],
    ['list with spaces', 'localhost, .internal ,10.0.0.1', 'https://x.internal', true],
    ['bracketed IPv6 with port', '[::1]:8080', 'http://[::1]:8080/', true],
    ['empty', '', 'https://a.example', false],
  ])('%s: NO_PROXY=%j, %s → bypass %s', (_name, noProxy, target, expected) => {
    expect(bypassesProxy(at(target), noProxy)).toBe(expected);
  });

  it('the input wins over the variables; the scheme picks HTTPS_PROXY or HTTP_PROXY; NO_PROXY always applies', () => {
    const env = {
      HTTPS_PROXY: 'http://s.proxy:1',
      HTTP_PROXY: 'http://p.proxy:2',
      NO_PROXY: '.internal',
    };
    expect(proxyFor('https://api.ecr.us-east-1.amazonaws.com', undefined, env)).toBe('http://s.proxy:1');
    expect(proxyFor('http://127.0.0.1:9/', undefined, env)).toBe('http://p.proxy:2');
    expect(proxyFor('https://api.ecr.us-east-1.amazonaws.com', 'http://in.put:3', env)).toBe(
      'http://in.put:3',
    );
    expect(proxyFor('http://127.0.0.1:9/', 'http://in.put:3', env)).toBe('http://in.put:3');
    expect(proxyFor('https://ecr.internal', 'http://in.put:3', env)).toBeUndefined();
    expect(proxyFor('https://x.example', undefined, { https_proxy: 'http://lower:4' })).toBe(
      'http://lower:4',
    );
    expect(
      proxyFor('https://x.example', undefined, {
        HTTPS_PROXY: 'http://upper:5',
        https_proxy: 'http://lower:4',
      }),
    ).toBe('http://upper:5');
    expect(
      proxyFor('https://x.example', undefined, { no_proxy: 'x.example', HTTPS_PROXY: 'http://u:5' }),
    ).toBe(undefined);
    expect(proxyFor('https://x.example', undefined, {})).toBeUndefined();
  });
});

const hasTools = requireTool('tinyproxy') && requireTool('docker-registry') && requireTool('htpasswd');

describe.skipIf(!hasTools)('through a real tinyproxy, end to end', () => {
  const suite = useMainRuns(
    {
      accounts: [ACCOUNT, OTHER],
      regions: [REGION],
      password: PASSWORD,
      standIn: { public: { password: 'public-token-password' } },
    },
    (world) => ({
      AWS_ACCESS_KEY_ID: 'ASIAPROXYE2E00000001',
      AWS_SECRET_ACCESS_KEY: SECRET,
      AWS_SESSION_TOKEN: SESSION_TOKEN,
      AWS_ENDPOINT_URL_ECR_PUBLIC: world.ecr.url,
    }),
  );
  let proxy: ProxyServer;
  afterEach(async () => {
    await proxy?.close();
  });

  const ecrHost = () => new URL(suite.ecr.url).host;
  const stsHost = () => new URL(suite.sts.url).host;
  const withAuth = (url: string) => url.replace('http://', `http://${PROXY_USER}:${PROXY_PASSWORD}@`);

  /** main through the proxy: `proxyEnv` (the proxy variables) under the call's own env. */
  function run(opts: RunActionOptions & { proxyEnv?: Record<string, string> } = {}): Promise<ActionRun> {
    const { proxyEnv, ...rest } = opts;
    return suite.run({ ...rest, env: { ...proxyEnv, ...rest.env } });
  }

  const errorOf = (r: ActionRun) => errorsOf(r.main).join('\n');

  const expectNoSecrets = (r: ActionRun) =>
    expectNotPrinted(r.main, [SECRET, SESSION_TOKEN, PROXY_PASSWORD, decodeURIComponent(PROXY_PASSWORD)]);

  async function loggedInHosts(r: ActionRun): Promise<string[]> {
    const config = JSON.parse(await readFile(join(r.workspace.home, '.docker', 'config.json'), 'utf8'));
    return Object.keys(config.auths ?? {});
  }

  it('the http-proxy input (with credentials): the ECR call and the /v2/ proof go through it', async () => {
    proxy = await startProxy();
    const before = suite.ecr.requests.length;
    const r = await run({ inputs: { 'http-proxy': withAuth(proxy.url) } });
    expect(errorOf(r)).toBe('');
    expect(r.main.succeeded).toBe(true);
    expect(await loggedInHosts(r)).toEqual([suite.registry.loginHost]);
    expect(suite.ecr.requests.length - before).toBe(1);
    const lines = await proxy.requests();
    expect(lines).toContain(`POST http://${ecrHost()}/ HTTP/1.1`);
    expect(lines).toContain(`GET http://${suite.registry.loginHost}/v2/ HTTP/1.1`);
    expectNoSecrets(r);
  });

  it('HTTP_PROXY serves http endpoints (HTTPS_PROXY, pointing nowhere, is not used for them)', async () => {
    proxy = await startProxy();
    const nowhere = `http://127.0.0.1:${await freePort()}`;
    const r = await run({ proxyEnv: { HTTP_PROXY: withAuth(proxy.url), HTTPS_PROXY: nowhere } });
    expect(errorOf(r)).toBe('');
    expect(r.main.succeeded).toBe(true);
    const lines = await proxy.requests();
    expect(lines).toContain(`POST http://${ecrHost()}/ HTTP/1.1`);
    expect(lines).toContain(`GET http://${suite.registry.loginHost}/v2/ HTTP/1.1`);
    expectNoSecrets(r);
  });

  it('lower-case http_proxy works the same', async () => {
    proxy = await startProxy();
    const r = await run({ proxyEnv: { http_proxy: proxy.url } });
    expect(r.main.succeeded).toBe(true);
    expect(await proxy.requests()).toContain(`POST http://${ecrHost()}/ HTTP/1.1`);
  });

  it('HTTPS_PROXY alone does not capture http endpoints', async () => {
    proxy = await startProxy();
    const r = await run({ proxyEnv: { HTTPS_PROXY: proxy.url } });
    expect(r.main.succeeded).toBe(true);
    expect(await proxy.requests()).toEqual([]);
  });

  it('NO_PROXY host:port exempts the registry: the API call is proxied, the /v2/ proof is not', async () => {
    proxy = await startProxy();
    const r = await run({
      inputs: { 'http-proxy': withAuth(proxy.url) },
      proxyEnv: { NO_PROXY: `example.internal,${suite.registry.loginHost}` },
    });
    expect(errorOf(r)).toBe('');
    expect(r.main.succeeded).toBe(true);
    const lines = await proxy.requests();
    expect(lines).toContain(`POST http://${ecrHost()}/ HTTP/1.1`);
    expect(lines.filter((l) => l.includes(suite.registry.loginHost))).toEqual([]);
    expectNoSecrets(r);
  });

  it('no_proxy with the bare loopback host exempts everything, even from the http-proxy input', async () => {
    proxy = await startProxy();
    const r = await run({ inputs: { 'http-proxy': proxy.url }, proxyEnv: { no_proxy: '127.0.0.1' } });
    expect(r.main.succeeded).toBe(true);
    expect(await proxy.requests()).toEqual([]);
  });

  it('NO_PROXY=* exempts everything', async () => {
    proxy = await startProxy();
    const r = await run({ proxyEnv: { HTTP_PROXY: proxy.url, NO_PROXY: '*' } });
    expect(r.main.succeeded).toBe(true);
    expect(await proxy.requests()).toEqual([]);
  });

  it('STS AssumeRole (registry-roles) goes through the proxy too', async () => {
    proxy = await startProxy();
    const role = `arn:aws:iam::${OTHER}:role/ecr-pull`;
    const stsBefore = suite.sts.requests.length;
    const r = await run({
      inputs: { registries: OTHER, 'registry-roles': `${OTHER}=${role}`, 'http-proxy': withAuth(proxy.url) },
    });
    expect(errorOf(r)).toBe('');
    expect(r.main.succeeded).toBe(true);
    expect(suite.sts.requests.slice(stsBefore).map((q) => q.action)).toEqual(['AssumeRole']);
    const lines = await proxy.requests();
    expect(lines).toContain(`POST http://${stsHost()}/ HTTP/1.1`);
    expect(lines).toContain(`POST http://${ecrHost()}/ HTTP/1.1`);
    expectNoSecrets(r);
  });

  it('a failed diagnosis call (GetCallerIdentity) goes through the proxy as well', async () => {
    proxy = await startProxy();
    suite.ecr.config.accessDeniedRegions = [REGION];
    try {
      const r = await run({ inputs: { 'http-proxy': withAuth(proxy.url) } });
      expect(r.main.succeeded).toBe(false);
      expect(errorOf(r)).toContain('was denied for arn:aws:sts::123456789012:assumed-role/ci/session');
      const lines = await proxy.requests();
      expect(lines).toContain(`POST http://${ecrHost()}/ HTTP/1.1`);
      expect(lines).toContain(`POST http://${stsHost()}/ HTTP/1.1`);
      expectNoSecrets(r);
    } finally {
      delete suite.ecr.config.accessDeniedRegions;
    }
  });

  it('ECR Public: the token call and the https /v2/ proof (CONNECT) go through the proxy', async () => {
    proxy = await startProxy();
    const before = suite.ecr.requests.length;
    const r = await run({
      inputs: { registries: 'public.ecr.aws', 'http-proxy': withAuth(proxy.url), 'api-timeout-seconds': 5 },
      timeoutMs: 90_000,
    });
    expect(suite.ecr.requests.slice(before).map((q) => q.service)).toEqual(['ecr-public']);
    const lines = await proxy.requests();
    expect(lines).toContain(`POST http://${ecrHost()}/ HTTP/1.1`);
    expect(lines).toContain('CONNECT public.ecr.aws:443 HTTP/1.1');
    // The stand-in's token is not a real one: whether tinyproxy reaches public.ecr.aws (401) or not (no
    // network here), the proof fails, and the message says which way the request went.
    expect(r.main.succeeded).toBe(false);
    expect(errorOf(r)).toContain('public.ecr.aws');
    expectNoSecrets(r);
  });

  it.skipIf(!requireTool('docker'))(
    'login-method docker: the docker CLI never proxies loopback, our API call still does',
    async () => {
      proxy = await startProxy();
      const r = await run({ inputs: { 'http-proxy': proxy.url, 'login-method': 'docker' } });
      expect(errorOf(r)).toBe('');
      expect(r.main.succeeded).toBe(true);
      const lines = await proxy.requests();
      expect(lines).toContain(`POST http://${ecrHost()}/ HTTP/1.1`);
      expect(lines.filter((l) => l.includes(suite.registry.loginHost))).toEqual([]);
    },
  );

  describe.skipIf(!requireTool('openssl'))('an https endpoint: HTTPS_PROXY tunnels with CONNECT', () => {
    let dir: string;
    let front: TlsServer;
    let frontPort: number;

    // A TLS front for the ECR stand-in, with a certificate for localhost that the step trusts through
    // NODE_EXTRA_CA_CERTS: the SDK's https path (HttpsProxyAgent), as for the real amazonaws.com hosts.
    // A host NAME, as AWS endpoints are: https-proxy-agent 9.1 sets no TLS servername for an IP-literal
    // target, so Node checks the certificate against "localhost" there (a dependency limitation).
    beforeAll(async () => {
      dir = await makeTempDir('tls-front');
      execFileSync(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'rsa:2048',
          '-nodes',
          '-keyout',
          join(dir, 'key.pem'),
          '-out',
          join(dir, 'cert.pem'),
          '-days',
          '1',
          '-subj',
          '/CN=localhost',
          '-addext',
          'subjectAltName=DNS:localhost,IP:127.0.0.1',
        ],
        { stdio: 'ignore', timeout: 30_000 },
      );
      const upstream = new URL(suite.ecr.url);
      front = createTlsServer(
        { key: await readFile(join(dir, 'key.pem')), cert: await readFile(join(dir, 'cert.pem')) },
        (socket) => {
          const up = connect(Number(upstream.port), upstream.hostname);
          socket.pipe(up).pipe(socket);
          up.on('error', () => socket.destroy());
          socket.on('error', () => up.destroy());
        },
      );
      await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve));
      frontPort = (front.address() as { port: number }).port;
    });
    afterAll(async () => {
      await new Promise<void>((resolve) => (front ? front.close(() => resolve()) : resolve()));
      await removeDir(dir);
    });

    it('HTTPS_PROXY: CONNECT localhost:<port> in the proxy log, and the login works', async () => {
      proxy = await startProxy();
      const before = suite.ecr.requests.length;
      const r = await run({
        env: {
          AWS_ENDPOINT_URL_ECR: `https://localhost:${frontPort}`,
          NODE_EXTRA_CA_CERTS: join(dir, 'cert.pem'),
        },
        proxyEnv: { HTTPS_PROXY: withAuth(proxy.url), NO_PROXY: suite.registry.loginHost },
      });
      expect(errorOf(r)).toBe('');
      expect(r.main.succeeded).toBe(true);
      expect(suite.ecr.requests.length - before).toBe(1);
      const lines = await proxy.requests();
      expect(lines).toContain(`CONNECT localhost:${frontPort} HTTP/1.1`);
      expect(lines.filter((l) => l.includes(suite.registry.loginHost))).toEqual([]);
      expectNoSecrets(r);
    });

    it('NO_PROXY covering the https endpoint: nothing goes through the proxy', async () => {
      proxy = await startProxy();
      const r = await run({
        env: {
          AWS_ENDPOINT_URL_ECR: `https://localhost:${frontPort}`,
          NODE_EXTRA_CA_CERTS: join(dir, 'cert.pem'),
        },
        proxyEnv: { HTTPS_PROXY: proxy.url, HTTP_PROXY: proxy.url, NO_PROXY: 'localhost,127.0.0.1' },
      });
      expect(r.main.succeeded).toBe(true);
      expect(await proxy.requests()).toEqual([]);
    });

    it('without the CA the TLS failure is diagnosed, naming the proxy it went through', async () => {
      proxy = await startProxy();
      const r = await run({
        env: { AWS_ENDPOINT_URL_ECR: `https://localhost:${frontPort}` },
        proxyEnv: { HTTPS_PROXY: withAuth(proxy.url) },
        inputs: { 'max-attempts': 1 },
      });
      expect(r.main.succeeded).toBe(false);
      const error = errorOf(r);
      expect(error).toContain(`the TLS handshake with localhost:${frontPort} failed`);
      expect(error).toContain(`through the proxy 127.0.0.1:${proxy.port} (from HTTPS_PROXY)`);
      expect(error).toContain('NODE_EXTRA_CA_CERTS');
      expectNoSecrets(r);
    });
  });
});
