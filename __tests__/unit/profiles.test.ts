// Profile names and credentials through the SDK's own loaders, on real files (AWS_CONFIG_FILE,
// AWS_SHARED_CREDENTIALS_FILE); only static keys here (role_arn profiles run end to end against STS).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { describeApiFailure } from '../../src/diagnose/api.js';
import { ECR } from '../../src/ecr/aws-env.js';
import {
  checkProfiles,
  ProfileError,
  profileNames,
  profileResolver,
  unknownProfilesMessage,
} from '../../src/ecr/profiles.js';
import type { ApiSettings } from '../../src/ecr/token-api.js';
import { captureStdout } from '../support/stdout.js';

let dir: string;
let env: NodeJS.ProcessEnv;
const SECRET = 'profile-secret-key-never-shown';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'profiles-'));
  env = { AWS_CONFIG_FILE: join(dir, 'config'), AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials') };
  await writeFile(
    join(dir, 'config'),
    [
      '[default]',
      'region = us-east-1',
      '[profile ci-b]',
      'role_arn = arn:aws:iam::222222222222:role/ecr-push',
      'source_profile = keys',
      '[profile broken]',
      'region = eu-west-1',
      '[sso-session corp]',
      'sso_start_url = https://corp.awsapps.com/start',
      '[services local]',
      'ecr =',
      '  endpoint_url = http://127.0.0.1:9',
    ].join('\n'),
  );
  await writeFile(
    join(dir, 'credentials'),
    `[keys]\naws_access_key_id = AKIAPROFILEKEY000001\naws_secret_access_key = ${SECRET}\n`,
  );
});

afterEach(() => {
  vi.restoreAllMocks();
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('profileNames', () => {
  it('lists the profiles of both files, not sso-session or services sections', async () => {
    expect(await profileNames(env)).toEqual(['broken', 'ci-b', 'default', 'keys']);
  });

  it('is empty when the files do not exist', async () => {
    expect(
      await profileNames({
        AWS_CONFIG_FILE: join(dir, 'none'),
        AWS_SHARED_CREDENTIALS_FILE: join(dir, 'nada'),
      }),
    ).toEqual([]);
  });
});

describe('unknown profiles', () => {
  it('names the missing profiles, the files and the profiles found, never a value', async () => {
    const message = await checkProfiles(['keys', 'ci-x', 'ci-y', 'ci-x'], env);
    expect(message).toBe(
      `Input \`registry-profiles\`: profiles "ci-x", "ci-y" not found in ${env.AWS_CONFIG_FILE} or ` +
        `${env.AWS_SHARED_CREDENTIALS_FILE} (profiles found: "broken", "ci-b", "default", "keys").`,
    );
    expect(message).not.toContain(SECRET);
    expect(message).not.toContain('AKIAPROFILEKEY');
  });

  it('names the default files when the variables are unset, and says when there are none', () => {
    expect(unknownProfilesMessage(['ci'], [], {})).toBe(
      'Input `registry-profiles`: profile "ci" not found in ~/.aws/config or ~/.aws/credentials (profiles found: none).',
    );
  });

  it('passes when every profile exists, or none is asked for', async () => {
    expect(await checkProfiles(['keys', 'ci-b'], env)).toBeUndefined();
    expect(await checkProfiles([], {})).toBeUndefined();
  });
});

describe('profileResolver', () => {
  const settings = (): ApiSettings => ({ maxAttempts: 1, timeoutSeconds: 5, env });

  it('resolves static keys through the SDK, once per profile, masking the secret first', async () => {
    const out = captureStdout();
    const resolve = profileResolver(settings(), 'us-east-1');
    const [a, b] = await Promise.all([resolve('keys')(), resolve('keys')()]);
    expect(a).toMatchObject({ accessKeyId: 'AKIAPROFILEKEY000001', secretAccessKey: SECRET });
    expect(b).toBe(a);
    expect(out.filter((l) => l === `::add-mask::${SECRET}\n` || l.includes(SECRET))).toEqual([
      `::add-mask::${SECRET}\n`,
    ]);
  });

  it('a profile without credentials fails with a ProfileError naming it', async () => {
    const error = await profileResolver(settings(), 'us-east-1')('broken')().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProfileError);
    expect((error as ProfileError).profile).toBe('broken');
    expect((error as Error).message).toMatch(/^the credentials of profile broken could not be resolved: /);
  });

  it('a failed profile gets a diagnosis naming the profile, the SDK’s reason and the files', async () => {
    const error = await profileResolver(settings(), 'us-east-1')('broken')().catch((e: unknown) => e);
    const message = await describeApiFailure(error, {
      service: ECR,
      action: 'ecr:GetAuthorizationToken',
      region: 'eu-west-1',
      fips: false,
      settings: settings(),
      profile: 'broken',
    });
    expect(message).toMatch(
      /^ecr:GetAuthorizationToken failed in eu-west-1 \(https:\/\/api\.ecr\.eu-west-1\.amazonaws\.com\): CredentialsProviderError: profile broken \(registry-profiles\) gave no credentials, so no token was fetched\. The SDK said: Could not resolve credentials using profile: \[broken\]/,
    );
    expect(message).toContain(
      `Fix: check profile broken in ${env.AWS_CONFIG_FILE} or ${env.AWS_SHARED_CREDENTIALS_FILE}`,
    );
  });
});
