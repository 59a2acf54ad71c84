import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AssumeRoleError, roleAssumer, sessionName } from '../../src/ecr/roles.js';
import type { ApiSettings } from '../../src/ecr/token-api.js';
import { captureStdout } from '../support/stdout.js';

const ROLE_A = 'arn:aws:iam::111111111111:role/ecr-pull';
const ROLE_B = 'arn:aws:iam::222222222222:role/ecr-push';
const sts = mockClient(STSClient);
let out: string[];

const settings: ApiSettings = {
  maxAttempts: 4,
  timeoutSeconds: 7,
  env: { GITHUB_RUN_ID: '987', GITHUB_RUN_ATTEMPT: '3' },
};

function credentialsOf(role: string) {
  const tag = role.endsWith('pull') ? 'A' : 'B';
  return {
    AccessKeyId: `ASIA${tag}KEYID`,
    SecretAccessKey: `secret-${tag}-key`,
    SessionToken: `session-${tag}-token`,
    Expiration: new Date('2030-01-01T00:15:00Z'),
  };
}

beforeEach(() => {
  sts.reset();
  sts
    .on(AssumeRoleCommand)
    .callsFake(async (input: { RoleArn: string }) => ({ Credentials: credentialsOf(input.RoleArn) }));
  out = captureStdout();
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe('sessionName', () => {
  it.each<[NodeJS.ProcessEnv, string]>([
    [{}, 'ecr-login-local'],
    [{ GITHUB_RUN_ID: '1234567890', GITHUB_RUN_ATTEMPT: '2' }, 'ecr-login-1234567890-2'],
    [{ GITHUB_RUN_ID: '42' }, 'ecr-login-42-1'],
    [{ GITHUB_RUN_ID: 'a b/c:d', GITHUB_RUN_ATTEMPT: '1' }, 'ecr-login-a-b-c-d-1'],
    [{ GITHUB_RUN_ID: 'ok+=,.@_-', GITHUB_RUN_ATTEMPT: '1' }, 'ecr-login-ok+=,.@_--1'],
  ])('%j → %s', (env, name) => {
    expect(sessionName(env)).toBe(name);
  });

  it('stays within 64 characters of [\\w+=,.@-]', () => {
    const name = sessionName({ GITHUB_RUN_ID: '9'.repeat(100), GITHUB_RUN_ATTEMPT: '1' });
    expect(name).toHaveLength(64);
    expect(name).toBe(`ecr-login-${'9'.repeat(54)}`);
    expect(sessionName({ GITHUB_RUN_ID: '\u00e9\u00e9' })).toMatch(/^[\w+=,.@-]+$/);
  });
});

describe('roleAssumer', () => {
  it('assumes each role once however many regions use it, in the first region asked', async () => {
    const credentialsFor = roleAssumer(settings);
    const results = await Promise.all([
      credentialsFor(ROLE_A, 'eu-west-1')(),
      credentialsFor(ROLE_A, 'us-east-1')(),
      credentialsFor(ROLE_B, 'ap-south-1')(),
    ]);
    expect(await credentialsFor(ROLE_A, 'us-west-2')()).toEqual(results[0]);

    const calls = sts.commandCalls(AssumeRoleCommand);
    expect(calls.map((c) => c.args[0].input)).toEqual([
      { RoleArn: ROLE_A, RoleSessionName: 'ecr-login-987-3', DurationSeconds: 900 },
      { RoleArn: ROLE_B, RoleSessionName: 'ecr-login-987-3', DurationSeconds: 900 },
    ]);
    const regions = await Promise.all(calls.map((c) => (c.thisValue as STSClient).config.region()));
    expect(regions).toEqual(['eu-west-1', 'ap-south-1']);
    const first = calls[0]?.thisValue as STSClient;
    expect(await first.config.maxAttempts()).toBe(4);

    expect(results).toEqual([
      {
        accessKeyId: 'ASIAAKEYID',
        secretAccessKey: 'secret-A-key',
        sessionToken: 'session-A-token',
        expiration: new Date('2030-01-01T00:15:00Z'),
      },
      {
        accessKeyId: 'ASIAAKEYID',
        secretAccessKey: 'secret-A-key',
        sessionToken: 'session-A-token',
        expiration: new Date('2030-01-01T00:15:00Z'),
      },
      {
        accessKeyId: 'ASIABKEYID',
        secretAccessKey: 'secret-B-key',
        sessionToken: 'session-B-token',
        expiration: new Date('2030-01-01T00:15:00Z'),
      },
    ]);
  });

  it('does nothing until the credentials are asked for', () => {
    roleAssumer(settings)(ROLE_A, 'us-east-1');
    expect(sts.calls()).toHaveLength(0);
  });

  it('masks the secret key and the session token (not the access key ID), once per role', async () => {
    const credentialsFor = roleAssumer(settings);
    await credentialsFor(ROLE_A, 'us-east-1')();
    await credentialsFor(ROLE_A, 'eu-west-1')();
    expect(out).toEqual(['::add-mask::secret-A-key\n', '::add-mask::session-A-token\n']);
  });

  it('omits what STS did not send', async () => {
    sts
      .on(AssumeRoleCommand)
      .resolves({ Credentials: { AccessKeyId: 'AKID', SecretAccessKey: 'sk' } as never });
    expect(await roleAssumer(settings)(ROLE_A, 'us-east-1')()).toEqual({
      accessKeyId: 'AKID',
      secretAccessKey: 'sk',
    });
    expect(out).toEqual(['::add-mask::sk\n']);
  });

  it('fails with an AssumeRoleError that names the role and keeps the SDK error', async () => {
    const denied = Object.assign(
      new Error(
        'User: arn:aws:sts::333333333333:assumed-role/ci/x is not authorized to perform: sts:AssumeRole',
      ),
      {
        name: 'AccessDenied',
      },
    );
    sts.on(AssumeRoleCommand).rejects(denied);
    const credentialsFor = roleAssumer(settings);
    const error = await credentialsFor(ROLE_A, 'us-east-1')().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AssumeRoleError);
    const e = error as AssumeRoleError;
    expect(e.role).toBe(ROLE_A);
    expect(e.name).toBe('AccessDenied');
    expect(e.cause).toBe(denied);
    expect(e.message).toBe(`could not assume ${ROLE_A}: ${denied.message}`);
    // The failure is remembered: other regions using the role do not call STS again.
    await expect(credentialsFor(ROLE_A, 'eu-west-1')()).rejects.toBe(error);
    expect(sts.commandCalls(AssumeRoleCommand)).toHaveLength(1);
  });

  it('treats an answer without credentials as a failure', async () => {
    sts.on(AssumeRoleCommand).resolves({});
    await expect(roleAssumer(settings)(ROLE_B, 'us-east-1')()).rejects.toThrow(
      `could not assume ${ROLE_B}: STS returned no credentials`,
    );
    expect(out).toEqual([]);
  });

  it('AssumeRoleError falls back to its own name for a cause without one', () => {
    const e = new AssumeRoleError(ROLE_A, 'plain string');
    expect(e.name).toBe('AssumeRoleError');
    expect(e.message).toBe(`could not assume ${ROLE_A}: plain string`);
  });
});
