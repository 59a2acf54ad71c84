// Every diagnosis from a real failure: the action's own getAuthorizationToken (real SDK, real client
// config, real proxy agents) against the loopback ECR and STS stand-ins, a real docker-registry and the
// real docker CLI. The pure parts (notes, names, scrubbing, hand-made outcomes) are in __tests__/unit/diagnose.test.ts.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { DockerCredential } from '../../src/action/types.js';
import { describeApiFailure } from '../../src/diagnose/api.js';
import type { ApiCall } from '../../src/diagnose/facts.js';
import { describeLoginFailure } from '../../src/diagnose/login.js';
import { dockerLogin } from '../../src/docker/docker-cli.js';
import { CREDENTIAL_VARIABLES, ECR, ECR_PUBLIC, STS } from '../../src/ecr/aws-env.js';
import { callerIdentity } from '../../src/ecr/identity.js';
import { roleAssumer } from '../../src/ecr/roles.js';
import { type ApiSettings, getAuthorizationToken } from '../../src/ecr/token-api.js';
import type { PrivateTokenRequest } from '../../src/ecr/token-plan.js';
import { verifyCredential } from '../../src/net/verify.js';
import { freePort } from '../support/daemon.js';
import { type EcrStandIn, startEcrStandIn } from '../support/ecr-stand-in.js';
import { type LoopbackServer, startLoopbackServer } from '../support/loopback-server.js';
import { type Registry, requireTool, startRegistry } from '../support/registry.js';
import { type StsStandIn, startStsStandIn } from '../support/sts-stand-in.js';

const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY';
const SESSION_TOKEN = 'FwoGZXIvYXdzEDiagnoseTestSessionToken0123456789';
const KEY_ID = 'ASIADIAGNOSETEST0001';
const PROXY_PASSWORD = 'pr0xy-Pa55word';
const CALLER = {
  Arn: 'arn:aws:sts::123456789012:assumed-role/gha-deploy/run-77',
  Account: '123456789012',
  UserId: 'AROADIAGNOSE:run-77',
};
const REGION = 'us-east-1';
const REQUEST: PrivateTokenRequest = {
  kind: 'private',
  partition: 'aws',
  region: REGION,
  fips: false,
  registryIds: [],
  registries: [],
};

let ecr: EcrStandIn;
let sts: StsStandIn;
let home: string;
const servers: LoopbackServer[] = [];

beforeAll(async () => {
  ecr = await startEcrStandIn({ accounts: {}, defaultAccount: '123456789012', principalArn: CALLER.Arn });
  sts = await startStsStandIn({ callerIdentity: CALLER });
  home = await mkdtemp(join(tmpdir(), 'ecr-login-diagnose-home-'));
});
afterAll(async () => {
  await Promise.all([ecr.close(), sts.close(), ...servers.map((s) => s.close())]);
  await rm(home, { recursive: true, force: true });
});

const FAULTS = [
  'accessDeniedRegions',
  'expiredToken',
  'unrecognizedClient',
  'signatureExpired',
  'rejectSkewedSignatures',
  'dateOffsetSeconds',
  'hang',
  'throttleFirst',
  'fail500First',
  'latencyMs',
] as const;

// The SDK reads credentials and endpoint overrides from process.env; the action passes process.env as
// settings.env, so the tests do the same.
beforeEach(() => {
  for (const name of [
    ...CREDENTIAL_VARIABLES,
    'AWS_ENDPOINT_URL',
    'AWS_DEFAULT_REGION',
    'ACTIONS_ID_TOKEN_REQUEST_URL',
    'HTTPS_PROXY',
    'https_proxy',
    'HTTP_PROXY',
    'http_proxy',
    'NO_PROXY',
    'no_proxy',
  ])
    vi.stubEnv(name, undefined);
  vi.stubEnv('HOME', home);
  vi.stubEnv('AWS_ACCESS_KEY_ID', KEY_ID);
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', SECRET);
  vi.stubEnv('AWS_SESSION_TOKEN', SESSION_TOKEN);
  vi.stubEnv('AWS_REGION', REGION);
  vi.stubEnv('AWS_EC2_METADATA_DISABLED', 'true');
  vi.stubEnv('AWS_ENDPOINT_URL_ECR', ecr.url);
  vi.stubEnv('AWS_ENDPOINT_URL_STS', sts.url);
});
afterEach(() => {
  vi.unstubAllEnvs();
  for (const k of FAULTS) delete ecr.config[k];
  sts.config.deniedRoles = [];
  sts.config.expiredToken = false;
  sts.config.latencyMs = 0;
});

function settings(over: Partial<ApiSettings> = {}): ApiSettings {
  return { maxAttempts: 1, timeoutSeconds: 5, env: process.env, ...over };
}

function ctxFor(s: ApiSettings, over: Partial<ApiCall> = {}): ApiCall {
  return {
    service: ECR,
    action: 'ecr:GetAuthorizationToken',
    region: REGION,
    fips: false,
    settings: s,
    ...over,
  };
}

/** The real error of the action's own token call. */
async function tokenError(s: ApiSettings, request: PrivateTokenRequest = REQUEST): Promise<unknown> {
  try {
    await getAuthorizationToken(request, s);
  } catch (error) {
    return error;
  }
  throw new Error('the token call succeeded');
}

function expectClean(message: string, extra: string[] = []) {
  expect(message).not.toContain('\n');
  for (const secret of [SECRET, SESSION_TOKEN, KEY_ID, PROXY_PASSWORD, ...extra])
    expect(message).not.toContain(secret);
}

/** A loopback server answering every request with one fixed AWS error (for shapes no stand-in has). */
async function fixedAnswer(status: number, headers: Record<string, string>, body: string) {
  const server = await startLoopbackServer((_req, res) => {
    res.writeHead(status, { date: new Date().toUTCString(), ...headers }).end(body);
  });
  servers.push(server);
  return server;
}

describe('AccessDeniedException', () => {
  it('names the principal from STS GetCallerIdentity, the action, Resource "*" and a policy', async () => {
    ecr.config.accessDeniedRegions = [REGION];
    const s = settings();
    const before = sts.requests.length;
    const message = await describeApiFailure(await tokenError(s), ctxFor(s));
    expect(message).toMatch(/^ecr:GetAuthorizationToken failed in us-east-1 \(http:\/\/127\.0\.0\.1:\d+\): /);
    expect(message).toContain(`ecr:GetAuthorizationToken was denied for ${CALLER.Arn}`);
    expect(message).toContain('must be allowed on Resource "*"');
    expect(message).toContain(
      '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ecr:GetAuthorizationToken","Resource":"*"}]}',
    );
    expect(message).toContain('role gha-deploy');
    // The stand-in's x-amzn-requestid, as the SDK read it.
    expect(message).toMatch(/ AWS request ID: [0-9a-f-]{36}\.$/);
    // Asked STS, signed with the same keys.
    const asked = sts.requests.slice(before);
    expect(asked.map((r) => [r.action, r.accessKeyId])).toEqual([['GetCallerIdentity', KEY_ID]]);
    expectClean(message);
  });

  it('asks STS with the role credentials when the call was made with a registry role', async () => {
    const role = 'arn:aws:iam::222222222222:role/pull-only';
    ecr.config.accessDeniedRegions = [REGION];
    const s = settings();
    s.credentialsFor = roleAssumer({ ...s });
    const message = await describeApiFailure(await tokenError(s, { ...REQUEST, role }), ctxFor(s, { role }));
    expect(message).toContain('was denied for arn:aws:sts::222222222222:assumed-role/pull-only/ecr-login-');
    expect(message).toContain(`(role ${role} from registry-roles)`);
    expect(sts.requests.at(-1)?.action).toBe('GetCallerIdentity');
  });

  it('falls back to the ARN AWS named when STS does not answer, within a bounded time', async () => {
    ecr.config.accessDeniedRegions = [REGION];
    const s = settings({ timeoutSeconds: 1 });
    const error = await tokenError(s);
    sts.config.latencyMs = 30_000;
    const started = Date.now();
    const message = await describeApiFailure(error, ctxFor(s));
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(message).toContain(`was denied for ${CALLER.Arn}`);
  });

  it('says the principal is unknown when neither STS nor AWS names it; explicit denies are called so', async () => {
    const server = await fixedAnswer(
      400,
      { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-errortype': 'AccessDeniedException' },
      JSON.stringify({
        __type: 'AccessDeniedException',
        message:
          'not authorized to perform: ecr:GetAuthorizationToken on resource: * with an explicit deny in a service control policy',
      }),
    );
    vi.stubEnv('AWS_ENDPOINT_URL_ECR', server.url);
    vi.stubEnv('AWS_ENDPOINT_URL_STS', `http://127.0.0.1:${await freePort()}`);
    const s = settings();
    const message = await describeApiFailure(await tokenError(s), ctxFor(s));
    expect(message).toContain('an unknown principal (STS GetCallerIdentity did not answer)');
    expect(message).toContain('an explicit Deny');
    expect(message).toContain('remove or narrow the Deny on ecr:GetAuthorizationToken');
  });

  it('ECR Public: the policy also grants sts:GetServiceBearerToken', async () => {
    vi.stubEnv('AWS_ENDPOINT_URL_ECR_PUBLIC', ecr.url);
    const s = settings();
    let error: unknown;
    try {
      await getAuthorizationToken({ kind: 'public', region: 'us-east-1', registries: [] }, s);
    } catch (e) {
      error = e;
    }
    const message = await describeApiFailure(
      error,
      ctxFor(s, { service: ECR_PUBLIC, action: 'ecr-public:GetAuthorizationToken' }),
    );
    expect(message).toContain('sts:GetServiceBearerToken was denied for');
    expect(message).toContain('"Action":["ecr-public:GetAuthorizationToken","sts:GetServiceBearerToken"]');
  });
});

describe('expired sessions', () => {
  it('ExpiredTokenException: re-run configure-aws-credentials or lengthen its session', async () => {
    ecr.config.expiredToken = true;
    const s = settings();
    const message = await describeApiFailure(await tokenError(s), ctxFor(s));
    expect(message).toContain("ExpiredTokenException: the job's AWS session has expired");
    expect(message).toContain('run configure-aws-credentials again right before this step');
    expect(message).toContain('role-duration-seconds');
    expectClean(message);
  });

  it('STS ExpiredToken (query protocol) gets the same diagnosis', async () => {
    sts.config.expiredToken = true;
    const client = new STSClient({ region: REGION, maxAttempts: 1 });
    const error = await client.send(new GetCallerIdentityCommand({})).catch((e: unknown) => e);
    client.destroy();
    expect((error as Error).name).toBe('ExpiredToken');
    const s = settings();
    const message = await describeApiFailure(
      error,
      ctxFor(s, { service: STS, action: 'sts:GetCallerIdentity' }),
    );
    expect(message).toContain("ExpiredToken: the job's AWS session has expired");
  });
});

describe('invalid or mixed keys', () => {
  it('UnrecognizedClientException lists the credential variables set, by name only', async () => {
    ecr.config.unrecognizedClient = true;
    vi.stubEnv('AWS_ROLE_ARN', 'should-not-show');
    const s = settings();
    const message = await describeApiFailure(await tokenError(s), ctxFor(s));
    expect(message).toContain('UnrecognizedClientException: AWS did not accept the credentials');
    expect(message).toContain(
      'AWS credential variables set in this step: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_ROLE_ARN.',
    );
    expect(message).toContain('mixed from different sessions');
    expect(message).not.toContain('should-not-show');
    expectClean(message);
  });

  it('InvalidClientTokenId from STS, with a temporary key whose session token is missing', async () => {
    const server = await fixedAnswer(
      403,
      { 'content-type': 'text/xml' },
      '<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type>' +
        '<Code>InvalidClientTokenId</Code><Message>The security token included in the request is invalid.</Message>' +
        '</Error><RequestId>1</RequestId></ErrorResponse>',
    );
    vi.stubEnv('AWS_ENDPOINT_URL_STS', server.url);
    vi.stubEnv('AWS_SESSION_TOKEN', undefined);
    const client = new STSClient({ region: REGION, maxAttempts: 1 });
    const error = await client.send(new GetCallerIdentityCommand({})).catch((e: unknown) => e);
    client.destroy();
    expect((error as Error).name).toBe('InvalidClientTokenId');
    const s = settings();
    const message = await describeApiFailure(
      error,
      ctxFor(s, { service: STS, action: 'sts:GetCallerIdentity' }),
    );
    expect(message).toContain('InvalidClientTokenId: AWS did not accept the credentials');
    expect(message).toContain('AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY (');
    expect(message).toContain('a temporary one (ASIA…) but no AWS_SESSION_TOKEN is set');
    expectClean(message);
  });
});

describe('clock skew', () => {
  it('"Signature expired": prints the skew against the response Date header (clock behind)', async () => {
    ecr.config.signatureExpired = true;
    ecr.config.dateOffsetSeconds = 900;
    const s = settings();
    const error = await tokenError(s);
    expect((error as { $response?: unknown }).$response).toBeDefined();
    const message = await describeApiFailure(error, ctxFor(s));
    expect(message).toContain('InvalidSignatureException: AWS refused the request signature as expired');
    expect(message).toMatch(
      /this runner's clock is (899|900|901) s behind AWS \(local \S+Z, AWS Date header /,
    );
    expect(message).toContain("synchronise the runner's clock");
    expectClean(message);
  });

  it('a clock ahead of AWS', async () => {
    ecr.config.signatureExpired = true;
    ecr.config.dateOffsetSeconds = -600;
    const s = settings();
    const message = await describeApiFailure(await tokenError(s), ctxFor(s));
    expect(message).toMatch(/clock is (599|600|601) s ahead of AWS/);
  });
});

describe('missing region and credentials', () => {
  it('CredentialsProviderError lists every credential source tried', async () => {
    for (const name of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN'])
      vi.stubEnv(name, undefined);
    const s = settings();
    const error = await tokenError(s);
    expect((error as Error).name).toBe('CredentialsProviderError');
    const message = await describeApiFailure(error, ctxFor(s));
    expect(message).toContain(
      'no AWS credentials were found (Could not load credentials from any providers)',
    );
    expect(message).toContain('environment keys (AWS_ACCESS_KEY_ID not set, AWS_SECRET_ACCESS_KEY not set)');
    expect(message).toContain(
      'web identity / OIDC (AWS_WEB_IDENTITY_TOKEN_FILE not set, AWS_ROLE_ARN not set',
    );
    expect(message).toContain('no `id-token: write` permission');
    expect(message).toContain('~/.aws/credentials: not found, ~/.aws/config: not found');
    expect(message).toContain('container credentials (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI not set');
    expect(message).toContain('EC2 instance metadata (disabled by AWS_EC2_METADATA_DISABLED)');
    expect(message).toContain('configure-aws-credentials');
  });

  it('AWS_PROFILE beside the environment keys: the SDK skips the keys, and the message says so', async () => {
    vi.stubEnv('AWS_PROFILE', 'ci-profile-not-defined');
    const s = settings();
    const error = await tokenError(s);
    expect((error as Error).name).toBe('CredentialsProviderError');
    const message = await describeApiFailure(error, ctxFor(s));
    expect(message).toContain(
      'environment keys (AWS_ACCESS_KEY_ID set, AWS_SECRET_ACCESS_KEY set, skipped because AWS_PROFILE is set)',
    );
    expect(message).toContain('AWS_PROFILE is set, so the SDK looked only for that profile');
    expect(message).toContain('unset AWS_PROFILE or define that profile');
    expect(message).not.toContain('ci-profile-not-defined');
    expectClean(message);
  });

  it('"Region is missing" from the SDK names what was checked', async () => {
    vi.stubEnv('AWS_REGION', undefined);
    const { ECRClient, GetAuthorizationTokenCommand } = await import('@aws-sdk/client-ecr');
    const client = new ECRClient({ maxAttempts: 1 });
    const error = await client.send(new GetAuthorizationTokenCommand({})).catch((e: unknown) => e);
    client.destroy();
    expect((error as Error).message).toMatch(/Region is missing/);
    const message = await describeApiFailure(error, ctxFor(settings()));
    expect(message).toContain('the `region` input, AWS_REGION and AWS_DEFAULT_REGION');
  });
});

describe('throttling and server errors that survive every attempt', () => {
  it('ThrottlingException on all attempts: suggests max-attempts and fewer concurrent jobs', async () => {
    ecr.config.throttleFirst = 100;
    const s = settings({ maxAttempts: 2 });
    const message = await describeApiFailure(await tokenError(s), ctxFor(s));
    expect(message).toContain(
      'ThrottlingException: AWS throttled the call on all 2 attempts (Rate exceeded)',
    );
    expect(message).toContain('raise max-attempts (now 2, at most 10)');
    expect(message).toContain('fewer concurrent jobs');
  });

  it('500 on all attempts', async () => {
    ecr.config.fail500First = 100;
    const s = settings({ maxAttempts: 2 });
    const message = await describeApiFailure(await tokenError(s), ctxFor(s));
    expect(message).toContain('ServerException: AWS answered HTTP 500 on all 2 attempts');
  });
});

describe('network errors', () => {
  it('ECONNREFUSED names the endpoint, the override variable and the VPC-endpoint hint', async () => {
    vi.stubEnv('AWS_ENDPOINT_URL_ECR', `http://127.0.0.1:${await freePort()}`);
    const s = settings();
    const message = await describeApiFailure(await tokenError(s), ctxFor(s));
    expect(message).toMatch(
      /the connection to 127\.0\.0\.1:\d+ was refused \(ECONNREFUSED\), on the only attempt/,
    );
    expect(message).toContain(
      'the request went directly (no proxy configured) to the endpoint set by AWS_ENDPOINT_URL_ECR',
    );
    expect(message).toContain('com.amazonaws.us-east-1.ecr.api');
    expect(message).toContain('private DNS');
  });

  it('ENOTFOUND', async () => {
    vi.stubEnv('AWS_ENDPOINT_URL_ECR', 'https://api.ecr.us-east-1.amazonaws.com.invalid');
    const s = settings();
    const message = await describeApiFailure(await tokenError(s), ctxFor(s));
    expect(message).toContain('DNS lookup of api.ecr.us-east-1.amazonaws.com.invalid failed (ENOTFOUND)');
    expect(message).toContain('set AWS_ENDPOINT_URL_ECR to its DNS name');
  });

  it('TLS: https to a port that speaks plain http', async () => {
    vi.stubEnv('AWS_ENDPOINT_URL_ECR', ecr.url.replace('http:', 'https:'));
    const s = settings();
    const message = await describeApiFailure(await tokenError(s), ctxFor(s));
    expect(message).toContain('the TLS handshake with 127.0.0.1');
    expect(message).toContain('NODE_EXTRA_CA_CERTS');
  });

  it('TimeoutError after every attempt names the endpoint, proxy use and the timeout settings', async () => {
    ecr.config.hang = true;
    const s = settings({ maxAttempts: 2, timeoutSeconds: 1 });
    const message = await describeApiFailure(await tokenError(s), ctxFor(s));
    expect(message).toContain(`(${ecr.url}): no answer from ${ecr.url.slice(7)} within 1 s`);
    expect(message).toContain('on all 2 attempts');
    expect(message).toContain('raise api-timeout-seconds (now 1) / max-attempts (now 2)');
  });

  it('through a proxy that is down: says which proxy, never its password', async () => {
    const proxyPort = await freePort();
    vi.stubEnv('HTTP_PROXY', `http://ci-user:${PROXY_PASSWORD}@127.0.0.1:${proxyPort}`);
    vi.stubEnv('AWS_ENDPOINT_URL_ECR', 'http://ecr.internal.example:8080');
    const s = settings();
    const message = await describeApiFailure(await tokenError(s), ctxFor(s));
    expect(message).toContain(`the connection to 127.0.0.1:${proxyPort} was refused`);
    expect(message).toContain(`through the proxy 127.0.0.1:${proxyPort} (from HTTP_PROXY)`);
    expect(message).toContain(`Cause: the proxy 127.0.0.1:${proxyPort} itself is not reachable`);
    expect(message).toContain('correct the proxy URL in HTTPS_PROXY / HTTP_PROXY');
    expectClean(message);
  });

  it('the http-proxy input with credentials: host:port only', async () => {
    const proxyPort = await freePort();
    const s = settings({ httpProxy: `http://ci-user:${PROXY_PASSWORD}@127.0.0.1:${proxyPort}` });
    const message = await describeApiFailure(await tokenError(s), ctxFor(s));
    expect(message).toContain(`through the proxy 127.0.0.1:${proxyPort} (from the http-proxy input)`);
    expectClean(message);
  });
});

describe('sts:AssumeRole denied', () => {
  it('names the role and the principal, and gives the trust-policy fix', async () => {
    const role = 'arn:aws:iam::222222222222:role/ecr-pull';
    sts.config.deniedRoles = [role];
    const s = settings();
    s.credentialsFor = roleAssumer({ ...s });
    const error = await tokenError(s, { ...REQUEST, role });
    expect((error as Error).constructor.name).toBe('AssumeRoleError');
    const message = await describeApiFailure(error, ctxFor(s, { role }));
    expect(message).toMatch(
      /^sts:AssumeRole failed in us-east-1 \(http:\/\/127\.0\.0\.1:\d+\): AccessDenied: /,
    );
    expect(message).toContain(`${CALLER.Arn} may not assume ${role}`);
    expect(message).toContain('the trust policy of role ecr-pull does not allow this principal');
    expect(message).toContain(
      '{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:role/gha-deploy"},"Action":"sts:AssumeRole"}',
    );
    // GetCallerIdentity ran with the step's own keys, not the role's.
    expect(sts.requests.at(-1)).toMatchObject({ action: 'GetCallerIdentity', accessKeyId: KEY_ID });
    expectClean(message);
  });

  it('another AssumeRole failure is diagnosed as itself, naming the role', async () => {
    const role = 'arn:aws:iam::222222222222:role/ecr-pull';
    sts.config.expiredToken = true;
    const s = settings();
    s.credentialsFor = roleAssumer({ ...s });
    const message = await describeApiFailure(await tokenError(s, { ...REQUEST, role }), ctxFor(s, { role }));
    expect(message).toContain(
      `Could not assume ${role} for ecr:GetAuthorizationToken: sts:AssumeRole failed`,
    );
    expect(message).toContain("ExpiredToken: the job's AWS session has expired");
  });
});

describe('helpers', () => {
  it('callerIdentity answers, and gives up quietly', async () => {
    expect(await callerIdentity(settings(), REGION)).toEqual({ arn: CALLER.Arn, account: CALLER.Account });
    vi.stubEnv('AWS_ENDPOINT_URL_STS', `http://127.0.0.1:${await freePort()}`);
    expect(await callerIdentity(settings(), REGION)).toBeUndefined();
  });
});

// Login failures: the registry's own answer to a token.
const hasRegistry = requireTool('docker-registry') && requireTool('htpasswd');
describe.skipIf(!hasRegistry)('registry refusals (real docker-registry)', () => {
  let registry: Registry;
  let dockerConfig: string;
  beforeAll(async () => {
    registry = await startRegistry({ password: 'the-right-password' });
    dockerConfig = await mkdtemp(join(tmpdir(), 'ecr-login-diagnose-docker-'));
  });
  afterAll(async () => {
    await registry?.close();
    await rm(dockerConfig, { recursive: true, force: true });
  });

  const cred = (over: Partial<DockerCredential> = {}): DockerCredential => ({
    host: registry.host,
    scheme: 'http',
    username: 'AWS',
    password: 'a-wrong-password-0123',
    auth: Buffer.from('AWS:a-wrong-password-0123').toString('base64'),
    expiresAt: new Date(Date.now() + 12 * 3600_000),
    kind: 'private',
    account: '123456789012',
    region: REGION,
    order: 0,
    ...over,
  });

  it('our /v2/ check answered 401: token facts, the 12-hour expiry, the cross-account hint', async () => {
    const c = cred();
    const token = c.auth;
    const check = await verifyCredential(c, { env: {}, timeoutMs: 5000, attempts: 1 });
    expect(check.status).toBe(401);
    const message = describeLoginFailure(
      c,
      { store: 'config-file', status: 401, detail: check.message },
      { env: {} },
    );
    expect(message).toContain(
      `The registry refused a fresh token: GET http://${c.host}/v2/ answered 401 Unauthorized.`,
    );
    expect(message).toContain('from ecr:GetAuthorizationToken in us-east-1 for account 123456789012');
    expect(message).toMatch(/valid until \S+ \(1[12] h \d+ min left; ECR tokens last 12 hours\)/);
    expect(message).toContain('is not an ECR host name');
    expect(message).toContain('repository policies allow your principal');
    expect(message).toContain('"Action":["ecr:BatchGetImage","ecr:GetDownloadUrlForLayer"]');
    expectClean(message, [c.password, token]);
  });

  it.skipIf(!requireTool('docker'))('docker login answered unauthorized: same diagnosis', async () => {
    const c = cred();
    const result = await dockerLogin(
      c.host,
      c.username,
      c.password,
      { PATH: process.env.PATH ?? '', HOME: home, DOCKER_CONFIG: dockerConfig },
      undefined,
      { attempts: 1, delayMs: () => 0 },
    );
    expect(result.ok).toBe(false);
    const message = describeLoginFailure(c, { store: 'docker-cli', detail: result.message }, { env: {} });
    expect(message).toMatch(/^docker login was refused with a fresh token: .*(401|unauthorized)/i);
    expect(message).toContain('ECR tokens last 12 hours');
    expectClean(message, [c.password]);
  });

  it('an unreachable registry through a proxy: names the proxy, not its password', async () => {
    const proxyPort = await freePort();
    const c = cred({ host: `127.0.0.1:${await freePort()}` });
    const route = { env: {}, httpProxy: `http://u:${PROXY_PASSWORD}@127.0.0.1:${proxyPort}` };
    const check = await verifyCredential(
      { ...c, auth: 'dG9rZW4=' },
      { ...route, timeoutMs: 2000, attempts: 1 },
    );
    const message = describeLoginFailure(c, { store: 'config-file', detail: check.message }, route);
    expect(message).toContain(`The registry check failed: GET http://${c.host}/v2/ failed: ECONNREFUSED`);
    expect(message).toContain(
      `the request went through the proxy 127.0.0.1:${proxyPort} (from the http-proxy input)`,
    );
    expect(message).toContain('com.amazonaws.us-east-1.ecr.dkr');
    expectClean(message);
  });
});
