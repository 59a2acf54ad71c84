// Failure diagnosis end to end: the built dist bundle, run by the runner emulator, against the loopback
// ECR and STS stand-ins (real SDK, real wire format) and real docker-registry instances (a world, see
// helpers.ts). Each test produces the failure for real and reads the step's ::error:: line, as a user
// would see it.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../support/daemon.js';
import { requireTool } from '../support/registry.js';
import type { ActionRun } from '../support/runner.js';
import { errorsOf, expectNotPrinted, realRegistriesAvailable, useMainRuns } from './helpers.js';

const ACCOUNT = '123456789012';
const OTHER = '222222222222';
const REGION = 'us-east-1';
const PASSWORD = 'registry-password-e2e-0001';
const KEY_ID = 'ASIAE2EDIAGNOSIS0001';
const SECRET = 'e2eSecretAccessKey/DoNotPrint+0123456789ab';
const SESSION_TOKEN = 'IQoJb3JpZ2luX2VjE2E2ESessionTokenDoNotPrint';
/** What the STS stand-in says the caller is (GetCallerIdentity). */
const CALLER_ARN = `arn:aws:sts::${ACCOUNT}:assumed-role/gha-ci/run-1000001`;
/** What the ECR stand-in writes into its AccessDenied message: a different ARN, so a test can tell
 *  that the diagnosis asked STS rather than copying AWS's message. */
const ECR_SAYS_ARN = `arn:aws:sts::${ACCOUNT}:assumed-role/from-ecr-message/x`;

describe.skipIf(!realRegistriesAvailable())('diagnosis, end to end', () => {
  const suite = useMainRuns(
    {
      accounts: [ACCOUNT, OTHER],
      regions: [REGION],
      password: PASSWORD,
      standIn: { principalArn: ECR_SAYS_ARN },
      sts: { callerIdentity: { Arn: CALLER_ARN, Account: ACCOUNT, UserId: 'AROAE2E:run-1000001' } },
    },
    () => ({ AWS_ACCESS_KEY_ID: KEY_ID, AWS_SECRET_ACCESS_KEY: SECRET, AWS_SESSION_TOKEN: SESSION_TOKEN }),
  );
  const { run } = suite;
  afterEach(() => {
    for (const k of [
      'accessDeniedRegions',
      'expiredToken',
      'unrecognizedClient',
      'signatureExpired',
      'dateOffsetSeconds',
      'hang',
      'throttleFirst',
      'fail500First',
    ] as const)
      delete suite.ecr.config[k];
    for (const a of Object.values(suite.ecr.config.accounts)) a.password = PASSWORD;
    suite.sts.config.deniedRoles = [];
  });

  /** The step's ::error:: message(s), as the runner shows them. */
  const errorOf = (r: ActionRun) => errorsOf(r.main).join('\n');

  /** Nothing the step printed holds a secret variable's value. */
  const expectNoSecrets = (r: ActionRun, extra: string[] = []) =>
    expectNotPrinted(r.main, [SECRET, SESSION_TOKEN, ...extra]);

  const ecrCount = () => suite.ecr.requests.length;

  describe('retries and timeouts', () => {
    it('the first 3 calls throttled: succeeds with the default max-attempts', async () => {
      suite.ecr.config.throttleFirst = 3;
      const before = ecrCount();
      const r = await run();
      expect(errorOf(r)).toBe('');
      expect(r.main.succeeded).toBe(true);
      expect(suite.ecr.requests.slice(before).map((q) => q.errorCode ?? q.status)).toEqual([
        'ThrottlingException',
        'ThrottlingException',
        'ThrottlingException',
        200,
      ]);
      expect(r.main.outputs.registry).toBe(suite.registry.loginHost);
      const config = JSON.parse(await readFile(join(r.workspace.home, '.docker', 'config.json'), 'utf8'));
      expect(Object.keys(config.auths)).toEqual([suite.registry.loginHost]);
    });

    it('500s are retried', async () => {
      suite.ecr.config.fail500First = 2;
      const before = ecrCount();
      const r = await run();
      expect(r.main.succeeded).toBe(true);
      expect(suite.ecr.requests.slice(before).map((q) => q.status)).toEqual([500, 500, 200]);
    });

    it('throttling on every attempt: says so and suggests max-attempts / fewer jobs', async () => {
      suite.ecr.config.throttleFirst = 1000;
      const before = ecrCount();
      const r = await run({ inputs: { 'max-attempts': 2 } });
      expect(r.main.succeeded).toBe(false);
      expect(ecrCount() - before).toBe(2);
      const error = errorOf(r);
      expect(error).toContain('ThrottlingException: AWS throttled the call on all 2 attempts');
      expect(error).toContain('raise max-attempts (now 2, at most 10)');
      expect(error).toContain('fewer concurrent jobs');
      expectNoSecrets(r);
    });

    it('a hung endpoint: the step fails in bounded time, naming the endpoint', async () => {
      suite.ecr.config.hang = true;
      const before = ecrCount();
      const r = await run({ inputs: { 'api-timeout-seconds': 2, 'max-attempts': 2 }, timeoutMs: 90_000 });
      expect(r.main.timedOut).toBe(false);
      expect(r.main.succeeded).toBe(false);
      expect(r.main.durationMs).toBeLessThan(60_000);
      expect(ecrCount() - before).toBe(2);
      const error = errorOf(r);
      expect(error).toContain(`ecr:GetAuthorizationToken failed in us-east-1 (${suite.ecr.url})`);
      expect(error).toContain(`no answer from ${new URL(suite.ecr.url).host} within 2 s`);
      expect(error).toContain('on all 2 attempts');
      expect(error).toContain(
        'the request went directly (no proxy configured) to the endpoint set by AWS_ENDPOINT_URL_ECR',
      );
      expectNoSecrets(r);
    });
  });

  describe('AWS refusals', () => {
    it('AccessDeniedException: the principal from STS GetCallerIdentity, the action, not retried', async () => {
      suite.ecr.config.accessDeniedRegions = [REGION];
      const before = ecrCount();
      const stsBefore = suite.sts.requests.length;
      const r = await run();
      expect(r.main.succeeded).toBe(false);
      expect(ecrCount() - before).toBe(1);
      const asked = suite.sts.requests.slice(stsBefore);
      expect(asked.map((q) => [q.action, q.accessKeyId])).toEqual([['GetCallerIdentity', KEY_ID]]);
      const error = errorOf(r);
      expect(error).toContain(`ecr:GetAuthorizationToken was denied for ${CALLER_ARN}`);
      expect(error).toContain('ecr:GetAuthorizationToken must be allowed on Resource "*"');
      expect(error).toContain('"Action":"ecr:GetAuthorizationToken","Resource":"*"');
      expect(error.split('\n')).toHaveLength(2); // "1 registry failed:" + one line
      expectNoSecrets(r, [KEY_ID]);
    });

    it('ExpiredTokenException: the session expired; re-run configure-aws-credentials', async () => {
      suite.ecr.config.expiredToken = true;
      const r = await run();
      const error = errorOf(r);
      expect(error).toContain("ExpiredTokenException: the job's AWS session has expired");
      expect(error).toContain('role-duration-seconds');
      expectNoSecrets(r);
    });

    it('UnrecognizedClientException: the credential variables that are set, by name only', async () => {
      suite.ecr.config.unrecognizedClient = true;
      const r = await run();
      const error = errorOf(r);
      expect(error).toContain('UnrecognizedClientException: AWS did not accept the credentials');
      expect(error).toContain(
        'AWS credential variables set in this step: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN.',
      );
      expectNoSecrets(r, [KEY_ID]);
    });

    it('"Signature expired": the clock skew against the response Date header, in seconds', async () => {
      suite.ecr.config.signatureExpired = true;
      suite.ecr.config.dateOffsetSeconds = 900;
      const r = await run({ inputs: { 'max-attempts': 2 } });
      const error = errorOf(r);
      expect(error).toContain('InvalidSignatureException: AWS refused the request signature as expired');
      expect(error).toMatch(/this runner's clock is (899|900|901) s behind AWS/);
      expectNoSecrets(r);
    });

    it('sts:AssumeRole denied: the role, the principal and the trust-policy fix', async () => {
      const role = `arn:aws:iam::${OTHER}:role/ecr-pull`;
      suite.sts.config.deniedRoles = [role];
      const before = ecrCount();
      const r = await run({ inputs: { registries: OTHER, 'registry-roles': `${OTHER}=${role}` } });
      expect(r.main.succeeded).toBe(false);
      expect(ecrCount() - before).toBe(0);
      const error = errorOf(r);
      expect(error).toContain(`${OTHER}.dkr.ecr.us-east-1.amazonaws.com (us-east-1): sts:AssumeRole failed`);
      expect(error).toContain(`${CALLER_ARN} may not assume ${role}`);
      expect(error).toContain(
        `{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::${ACCOUNT}:role/gha-ci"},"Action":"sts:AssumeRole"}`,
      );
      expectNoSecrets(r);
    });
  });

  describe('configuration', () => {
    it('no region: names the input and variables checked, before any call', async () => {
      const before = ecrCount();
      const r = await run({ env: { AWS_REGION: undefined } });
      expect(r.main.succeeded).toBe(false);
      expect(ecrCount()).toBe(before);
      expect(errorOf(r)).toBe(
        'No region for the default registry: set the `region` input, AWS_REGION or AWS_DEFAULT_REGION, or list registries by host.',
      );
    });

    it('no credentials: lists every source tried', async () => {
      const r = await run({
        env: { AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined, AWS_SESSION_TOKEN: undefined },
      });
      const error = errorOf(r);
      expect(error).toContain('CredentialsProviderError: no AWS credentials were found');
      expect(error).toContain('environment keys (AWS_ACCESS_KEY_ID not set, AWS_SECRET_ACCESS_KEY not set)');
      expect(error).toContain('web identity / OIDC');
      expect(error).toContain('~/.aws/credentials: not found');
      expect(error).toContain('container credentials');
      expect(error).toContain('EC2 instance metadata (disabled by AWS_EC2_METADATA_DISABLED)');
      expect(error).toContain('`permissions: id-token: write`');
    });
  });

  describe('network', () => {
    it('ECONNREFUSED: the endpoint, no proxy, the VPC-endpoint hint', async () => {
      const closed = `http://127.0.0.1:${await freePort()}`;
      const r = await run({ env: { AWS_ENDPOINT_URL_ECR: closed }, inputs: { 'max-attempts': 1 } });
      const error = errorOf(r);
      expect(error).toContain(`ecr:GetAuthorizationToken failed in us-east-1 (${closed})`);
      expect(error).toContain('was refused (ECONNREFUSED), on the only attempt');
      expect(error).toContain('com.amazonaws.us-east-1.ecr.api');
      expect(error).toContain('set AWS_ENDPOINT_URL_ECR to its DNS name');
    });

    it('ENOTFOUND', async () => {
      const r = await run({
        env: { AWS_ENDPOINT_URL_ECR: 'https://api.ecr.us-east-1.vpce.invalid' },
        inputs: { 'max-attempts': 1 },
      });
      expect(errorOf(r)).toContain('DNS lookup of api.ecr.us-east-1.vpce.invalid failed (ENOTFOUND)');
    });
  });

  describe('the registry refuses a fresh token', () => {
    it('our /v2/ proof answered 401: token facts, 12-hour expiry, cross-account hint', async () => {
      const wrong = 'not-the-registry-password-42';
      for (const a of Object.values(suite.ecr.config.accounts)) a.password = wrong;
      const r = await run();
      expect(r.main.succeeded).toBe(false);
      const error = errorOf(r);
      expect(error).toContain(
        `${suite.registry.loginHost} (us-east-1): The registry refused a fresh token: GET http://${suite.registry.loginHost}/v2/ answered 401 Unauthorized.`,
      );
      expect(error).toMatch(/Token: from ecr:GetAuthorizationToken in us-east-1, valid until \S+ \(1[12] h/);
      expect(error).toContain('ECR tokens last 12 hours');
      expect(error).toContain('repository policies allow your principal');
      expect(error).not.toContain(wrong);
      expectNoSecrets(r);
    });

    it.skipIf(!requireTool('docker'))('docker login answered 401: the same diagnosis', async () => {
      const wrong = 'not-the-registry-password-43';
      for (const a of Object.values(suite.ecr.config.accounts)) a.password = wrong;
      const r = await run({ inputs: { 'login-method': 'docker' } });
      expect(r.main.succeeded).toBe(false);
      const error = errorOf(r);
      expect(error).toMatch(/docker login was refused with a fresh token: .*401 Unauthorized/);
      expect(error).toContain('ECR tokens last 12 hours');
      expect(error).not.toContain(wrong);
      expectNoSecrets(r);
    });
  });
});
