// Proves the STS stand-in speaks the query protocol the real SDK parses, and that the env endpoint
// overrides the harness relies on (AWS_ENDPOINT_URL_ECR/_ECR_PUBLIC/_STS) route real clients to it.
import { ECRClient, GetAuthorizationTokenCommand } from '@aws-sdk/client-ecr';
import {
  ECRPUBLICClient,
  GetAuthorizationTokenCommand as PublicTokenCommand,
} from '@aws-sdk/client-ecr-public';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type EcrStandIn, startEcrStandIn } from '../../support/ecr-stand-in.js';
import {
  accessKeyIdForRole,
  credentialsForRole,
  DEFAULT_CALLER,
  type StsStandIn,
  startStsStandIn,
} from '../../support/sts-stand-in.js';

const base = { accessKeyId: 'AKIAHARNESSBASE00001', secretAccessKey: 'secret' };
const ROLE = 'arn:aws:iam::222222222222:role/ecr-pull';
const DENIED = 'arn:aws:iam::333333333333:role/forbidden';
const open: { close(): Promise<void> }[] = [];

afterEach(async () => {
  vi.unstubAllEnvs();
  await Promise.all(open.splice(0).map((s) => s.close()));
});

async function sts(): Promise<StsStandIn> {
  const s = await startStsStandIn({ deniedRoles: [DENIED] });
  open.push(s);
  return s;
}
const client = (url: string, credentials = base) =>
  new STSClient({ region: 'eu-west-1', endpoint: url, credentials });

describe('STS stand-in vs the real SDK', () => {
  it('assumes a role with deterministic credentials and records the call', async () => {
    const s = await sts();
    const out = await client(s.url).send(
      new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: 'gha-run-1', DurationSeconds: 900 }),
    );
    const expected = credentialsForRole(ROLE);
    expect(out.Credentials?.AccessKeyId).toBe(accessKeyIdForRole(ROLE));
    expect(out.Credentials?.AccessKeyId).toMatch(/^ASIA[0-9A-F]{16}$/);
    expect(out.Credentials?.SecretAccessKey).toBe(expected.secretAccessKey);
    expect(out.Credentials?.SessionToken).toBe(expected.sessionToken);
    const ms = (out.Credentials?.Expiration?.getTime() ?? 0) - Date.now();
    expect(ms).toBeGreaterThan(800_000);
    expect(ms).toBeLessThan(901_000);
    expect(out.AssumedRoleUser?.Arn).toBe('arn:aws:sts::222222222222:assumed-role/ecr-pull/gha-run-1');
    expect(accessKeyIdForRole(DENIED)).not.toBe(accessKeyIdForRole(ROLE));
    expect(s.requests).toEqual([
      expect.objectContaining({
        action: 'AssumeRole',
        roleArn: ROLE,
        roleSessionName: 'gha-run-1',
        durationSeconds: 900,
        accessKeyId: base.accessKeyId,
        region: 'eu-west-1',
        status: 200,
      }),
    ]);
  });

  it('knows the identity behind keys it issued, and the configured one otherwise', async () => {
    const s = await sts();
    expect((await client(s.url).send(new GetCallerIdentityCommand({}))).Arn).toBe(DEFAULT_CALLER.Arn);
    s.config.callerIdentity = {
      Arn: 'arn:aws:iam::444444444444:user/ci',
      Account: '444444444444',
      UserId: 'AIDA1',
    };
    const me = await client(s.url).send(new GetCallerIdentityCommand({}));
    expect(me).toMatchObject({
      Arn: 'arn:aws:iam::444444444444:user/ci',
      Account: '444444444444',
      UserId: 'AIDA1',
    });

    await client(s.url).send(new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: 'chained' }));
    const assumed = await client(s.url, credentialsForRole(ROLE)).send(new GetCallerIdentityCommand({}));
    expect(assumed.Arn).toBe('arn:aws:sts::222222222222:assumed-role/ecr-pull/chained');
    expect(assumed.Account).toBe('222222222222');
    expect(s.requests.at(-1)?.accessKeyId).toBe(accessKeyIdForRole(ROLE));
  });

  it('denies listed roles with the real AccessDenied shape', async () => {
    const s = await sts();
    const err = await client(s.url)
      .send(new AssumeRoleCommand({ RoleArn: DENIED, RoleSessionName: 'x1' }))
      .catch((e: unknown) => e as { name: string; message: string; $metadata: { httpStatusCode: number } });
    expect(err).toMatchObject({
      name: 'AccessDenied',
      message: `User: ${DEFAULT_CALLER.Arn} is not authorized to perform: sts:AssumeRole on resource: ${DENIED}`,
      $metadata: { httpStatusCode: 403 },
    });
    expect(s.requests[0]?.errorCode).toBe('AccessDenied');
  });

  it('validates the session name as STS does', async () => {
    const s = await sts();
    const err = await client(s.url)
      .send(new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: 'has space' }))
      .catch((e: unknown) => e as Error);
    expect((err as Error).name).toBe('ValidationError');
    expect((err as Error).message).toContain("'has space' at 'roleSessionName'");
  });

  it('is reached through AWS_ENDPOINT_URL_* env overrides, and ECR calls show the assumed key', async () => {
    const s = await sts();
    const ecr: EcrStandIn = await startEcrStandIn({
      accounts: { '222222222222/us-east-1': { proxyEndpoint: 'http://127.0.0.1:5002', password: 'pw' } },
      defaultAccountFor: (key) => (key === accessKeyIdForRole(ROLE) ? '222222222222' : undefined),
      public: { password: 'pub' },
    });
    open.push(ecr);
    vi.stubEnv('AWS_ENDPOINT_URL_STS', s.url);
    vi.stubEnv('AWS_ENDPOINT_URL_ECR', ecr.url);
    vi.stubEnv('AWS_ENDPOINT_URL_ECR_PUBLIC', ecr.url);
    const creds = (
      await new STSClient({ region: 'us-east-1', credentials: base }).send(
        new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: 'env-routed' }),
      )
    ).Credentials;
    const assumed = {
      accessKeyId: creds?.AccessKeyId ?? '',
      secretAccessKey: creds?.SecretAccessKey ?? '',
      sessionToken: creds?.SessionToken ?? '',
    };
    const priv = await new ECRClient({ region: 'us-east-1', credentials: assumed }).send(
      new GetAuthorizationTokenCommand({}),
    );
    expect(priv.authorizationData?.[0]?.proxyEndpoint).toBe('http://127.0.0.1:5002');
    await new ECRPUBLICClient({ region: 'us-east-1', credentials: assumed }).send(new PublicTokenCommand({}));
    expect(s.requests.map((r) => r.action)).toEqual(['AssumeRole']);
    expect(ecr.requests.map((r) => [r.service, r.accessKeyId, r.sessionToken])).toEqual([
      ['ecr', accessKeyIdForRole(ROLE), credentialsForRole(ROLE).sessionToken],
      ['ecr-public', accessKeyIdForRole(ROLE), credentialsForRole(ROLE).sessionToken],
    ]);
  });
});
