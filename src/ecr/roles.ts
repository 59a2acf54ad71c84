// registry-roles: the token for a registry is fetched with a role assumed from the step's own
// credentials, or from a registry-profiles profile's. One AssumeRole per (profile, role) however many
// regions use it; the STS client is loaded only when a role is configured.

import * as runner from '../action/runner.js';
import type { AwsCredentials } from '../action/types.js';
import { STS } from './aws-env.js';
import { ProfileError } from './profiles.js';
import { type ApiSettings, type CredentialProvider, clientConfig } from './token-api.js';

/** AssumeRole failed: carries the role so the diagnosis can name it (the SDK error alone does not). */
export class AssumeRoleError extends Error {
  constructor(
    readonly role: string,
    override readonly cause: unknown,
  ) {
    super(`could not assume ${role}: ${(cause as Error)?.message ?? String(cause)}`);
    this.name = (cause as Error)?.name || 'AssumeRoleError';
  }
}

/** Session names show up in CloudTrail: tie them to the workflow run. */
export function sessionName(env: NodeJS.ProcessEnv): string {
  const run = env.GITHUB_RUN_ID ? `${env.GITHUB_RUN_ID}-${env.GITHUB_RUN_ATTEMPT ?? '1'}` : 'local';
  return `ecr-login-${run}`.replace(/[^\w+=,.@-]/g, '-').slice(0, 64);
}

async function assume(
  role: string,
  region: string,
  settings: ApiSettings,
  mask: (secret: string) => void,
  profile?: string,
): Promise<AwsCredentials> {
  const { STSClient, AssumeRoleCommand } = await import('@aws-sdk/client-sts');
  const client = new STSClient(await clientConfig(STS, region, false, settings, undefined, profile));
  try {
    const out = await client.send(
      new AssumeRoleCommand({
        RoleArn: role,
        RoleSessionName: sessionName(settings.env),
        DurationSeconds: 900,
      }),
    );
    const c = out.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey) throw new Error('STS returned no credentials');
    mask(c.SecretAccessKey);
    if (c.SessionToken) mask(c.SessionToken);
    return {
      accessKeyId: c.AccessKeyId,
      secretAccessKey: c.SecretAccessKey,
      ...(c.SessionToken ? { sessionToken: c.SessionToken } : {}),
      ...(c.Expiration ? { expiration: c.Expiration } : {}),
    };
  } catch (error) {
    // The profile's own credentials failed: that is the cause to diagnose, not the role.
    if (error instanceof ProfileError) throw error;
    throw new AssumeRoleError(role, error);
  } finally {
    client.destroy();
  }
}

/**
 * A credentials factory for ApiSettings.credentialsFor, assuming each role once per profile with `base`:
 * the step's own settings, whose calls are signed by the SDK's default chain or by a registry-profiles
 * profile (never by another role). `mask` hides the session's secrets in the log (the credential helper
 * passes a no-op: its stdout is the protocol's answer).
 */
export function roleAssumer(
  base: ApiSettings,
  mask: (secret: string) => void = runner.setSecret,
): (role: string, region: string, profile?: string) => CredentialProvider {
  const cache = new Map<string, ReturnType<typeof assume>>();
  return (role, region, profile) => () => {
    const key = JSON.stringify([profile, role]);
    let pending = cache.get(key);
    if (!pending) {
      pending = assume(role, region, base, mask, profile);
      cache.set(key, pending);
    }
    return pending;
  };
}
