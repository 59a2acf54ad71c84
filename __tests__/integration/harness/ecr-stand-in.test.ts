// Proves the ECR stand-in speaks what the real SDK parses: targets, JSON 1.1 shapes, error codes.
import { ECRClient, GetAuthorizationTokenCommand } from '@aws-sdk/client-ecr';
import {
  ECRPUBLICClient,
  GetAuthorizationTokenCommand as PublicTokenCommand,
} from '@aws-sdk/client-ecr-public';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type EcrStandIn,
  type EcrStandInConfig,
  startEcrStandIn,
  tokenFor,
} from '../../support/ecr-stand-in.js';

const credentials = { accessKeyId: 'AKIAHARNESSTEST00001', secretAccessKey: 'secret' };
let standIn: EcrStandIn | undefined;

afterEach(async () => {
  await standIn?.close();
  standIn = undefined;
});

async function start(extra: Partial<EcrStandInConfig> = {}) {
  standIn = await startEcrStandIn({
    accounts: {
      '111111111111/us-east-1': { proxyEndpoint: 'http://127.0.0.1:5001', password: 'pw-one' },
      '222222222222/us-east-1': { proxyEndpoint: 'http://127.0.0.1:5002', password: 'pw-two' },
      '111111111111/eu-west-1': { proxyEndpoint: 'http://127.0.0.1:5003', password: 'pw-three' },
    },
    defaultAccount: '111111111111',
    public: { password: 'pw-public' },
    ...extra,
  });
  return standIn;
}

const ecr = (url: string, region = 'us-east-1', maxAttempts = 1) =>
  new ECRClient({ region, endpoint: url, credentials, maxAttempts });
const ecrPublic = (url: string, region = 'us-east-1') =>
  new ECRPUBLICClient({ region, endpoint: url, credentials, maxAttempts: 1 });

async function errorOf(p: Promise<unknown>): Promise<{ name: string; message: string; status?: number }> {
  try {
    await p;
  } catch (err) {
    const e = err as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
    return { name: e.name, message: e.message, status: e.$metadata?.httpStatusCode };
  }
  throw new Error('expected the call to fail');
}

describe('ECR stand-in vs the real SDK', () => {
  it('answers ECR GetAuthorizationToken for the default account and records who asked', async () => {
    const s = await start();
    const before = Date.now();
    const out = await ecr(s.url).send(new GetAuthorizationTokenCommand({}));
    const data = out.authorizationData ?? [];
    expect(data).toHaveLength(1);
    expect(data[0]?.authorizationToken).toBe(tokenFor('pw-one'));
    expect(Buffer.from(data[0]?.authorizationToken ?? '', 'base64').toString()).toBe('AWS:pw-one');
    expect(data[0]?.proxyEndpoint).toBe('http://127.0.0.1:5001');
    // The SDK turns epoch seconds into a Date; 12 h by default.
    expect(data[0]?.expiresAt).toBeInstanceOf(Date);
    const ttl = (data[0]?.expiresAt?.getTime() ?? 0) - before;
    expect(ttl).toBeGreaterThan(12 * 3600_000 - 60_000);
    expect(ttl).toBeLessThan(12 * 3600_000 + 60_000);
    expect(s.requests).toHaveLength(1);
    expect(s.requests[0]).toMatchObject({
      target: 'AmazonEC2ContainerRegistry_V20150921.GetAuthorizationToken',
      service: 'ecr',
      region: 'us-east-1',
      accessKeyId: credentials.accessKeyId,
      body: {},
      status: 200,
    });
  });

  it('answers one entry per registryId, in request order, per region', async () => {
    const s = await start();
    const out = await ecr(s.url).send(
      new GetAuthorizationTokenCommand({ registryIds: ['222222222222', '111111111111'] }),
    );
    expect(out.authorizationData?.map((d) => d.proxyEndpoint)).toEqual([
      'http://127.0.0.1:5002',
      'http://127.0.0.1:5001',
    ]);
    expect(s.requests[0]?.body).toEqual({ registryIds: ['222222222222', '111111111111'] });
    const eu = await ecr(s.url, 'eu-west-1').send(new GetAuthorizationTokenCommand({}));
    expect(eu.authorizationData?.[0]?.authorizationToken).toBe(tokenFor('pw-three'));
    expect(s.requests[1]?.region).toBe('eu-west-1');
  });

  it('denies an unknown account/region and uses defaultAccountFor per signer', async () => {
    const s = await start({ defaultAccountFor: (key) => (key === 'ASIAOTHER' ? '222222222222' : undefined) });
    const e = await errorOf(ecr(s.url, 'ap-south-1').send(new GetAuthorizationTokenCommand({})));
    expect(e.name).toBe('AccessDeniedException');
    expect(e.status).toBe(400);
    const other = new ECRClient({
      region: 'us-east-1',
      endpoint: s.url,
      credentials: { accessKeyId: 'ASIAOTHER', secretAccessKey: 'x', sessionToken: 'tok' },
    });
    const out = await other.send(new GetAuthorizationTokenCommand({}));
    expect(out.authorizationData?.[0]?.proxyEndpoint).toBe('http://127.0.0.1:5002');
    expect(s.requests[1]).toMatchObject({ accessKeyId: 'ASIAOTHER', sessionToken: 'tok' });
  });

  it('answers ECR Public with a single authorizationData object', async () => {
    const s = await start();
    const out = await ecrPublic(s.url).send(new PublicTokenCommand({}));
    expect(out.authorizationData?.authorizationToken).toBe(tokenFor('pw-public'));
    expect(out.authorizationData?.expiresAt).toBeInstanceOf(Date);
    expect(s.requests[0]).toMatchObject({
      target: 'SpencerFrontendService.GetAuthorizationToken',
      service: 'ecr-public',
      region: 'us-east-1',
    });
    // Real ECR Public lives in us-east-1 (and us-west-2) only.
    const e = await errorOf(ecrPublic(s.url, 'eu-west-1').send(new PublicTokenCommand({})));
    expect(e.name).toBe('InvalidSignatureException');
    expect(e.message).toContain("not 'eu-west-1'");
  });

  it('reports each fault as the SDK names it', async () => {
    const s = await start({ accessDeniedRegions: ['eu-west-1'] });
    const denied = await errorOf(ecr(s.url, 'eu-west-1').send(new GetAuthorizationTokenCommand({})));
    expect(denied).toMatchObject({ name: 'AccessDeniedException', status: 400 });
    expect(denied.message).toBe(
      'User: arn:aws:sts::123456789012:assumed-role/ci/session is not authorized to perform: ' +
        'ecr:GetAuthorizationToken on resource: * because no identity-based policy allows the ecr:GetAuthorizationToken action',
    );

    const cases: [Partial<EcrStandInConfig>, string, number, RegExp][] = [
      [
        { expiredToken: true },
        'ExpiredTokenException',
        400,
        /security token included in the request is expired/,
      ],
      [{ unrecognizedClient: true }, 'UnrecognizedClientException', 400, /request is invalid\.$/],
      [
        { signatureExpired: true },
        'InvalidSignatureException',
        400,
        /^Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 5 min\.\)$/,
      ],
      [{ throttleFirst: 1 }, 'ThrottlingException', 400, /^Rate exceeded$/],
      [{ fail500First: 1 }, 'ServerException', 500, /Internal error/],
    ];
    for (const [knobs, name, status, message] of cases) {
      s.config.accessDeniedRegions = [];
      Object.assign(
        s.config,
        { expiredToken: false, unrecognizedClient: false, signatureExpired: false },
        knobs,
      );
      const e = await errorOf(ecr(s.url).send(new GetAuthorizationTokenCommand({})));
      expect(e.name, JSON.stringify(knobs)).toBe(name);
      expect(e.status).toBe(status);
      expect(e.message).toMatch(message);
      expect(s.requests.at(-1)?.errorCode).toBe(name);
    }
    // Counters count down: throttleFirst/fail500First are spent, the next call succeeds.
    expect(s.config.throttleFirst).toBe(0);
    await expect(ecr(s.url).send(new GetAuthorizationTokenCommand({}))).resolves.toBeDefined();
  });

  it('lets the SDK retry throttling and 500s until they stop', async () => {
    const s = await start({ throttleFirst: 1, fail500First: 1 });
    const out = await ecr(s.url, 'us-east-1', 3).send(new GetAuthorizationTokenCommand({}));
    expect(out.authorizationData).toHaveLength(1);
    expect(s.requests.map((r) => r.status)).toEqual([500, 400, 200]);
  });

  it('shifts the Date header so the SDK can correct a skewed clock', async () => {
    // Server clock one hour ahead: the first signature is "expired", the SDK reads Date and retries.
    const s = await start({ rejectSkewedSignatures: true, dateOffsetSeconds: 3600 });
    const out = await ecr(s.url, 'us-east-1', 2).send(new GetAuthorizationTokenCommand({}));
    expect(out.authorizationData).toHaveLength(1);
    expect(s.requests.map((r) => r.errorCode ?? r.status)).toEqual(['InvalidSignatureException', 200]);
  });

  it('applies latency, hangs without answering, and still closes', async () => {
    const s = await start({ latencyMs: 300 });
    const t0 = Date.now();
    await ecr(s.url).send(new GetAuthorizationTokenCommand({}));
    expect(Date.now() - t0).toBeGreaterThanOrEqual(280);

    s.config.latencyMs = 0;
    s.config.hang = true;
    const ac = new AbortController();
    const pending = ecr(s.url).send(new GetAuthorizationTokenCommand({}), { abortSignal: ac.signal });
    const settled = pending.then(
      () => 'answered',
      () => 'failed',
    );
    const raced = await Promise.race([
      settled,
      new Promise((r) => setTimeout(() => r('still waiting'), 300)),
    ]);
    expect(raced).toBe('still waiting');
    expect(s.requests.at(-1)?.status).toBeUndefined();
    const closed = Date.now();
    await s.close();
    expect(Date.now() - closed).toBeLessThan(2000);
    expect(await settled).toBe('failed');
    standIn = undefined;
  });

  it('rejects a bad registryIds member as the service validates it', async () => {
    const s = await start();
    const e = await errorOf(
      ecr(s.url).send(new GetAuthorizationTokenCommand({ registryIds: ['12345678901'] })),
    );
    expect(e.name).toBe('InvalidParameterException');
    expect(e.message).toContain('12345678901');
  });
});
