// registry-profiles: a registry's token is fetched with a named profile from the shared config and
// credentials files, resolved by the SDK itself (static keys, role_arn + source_profile, web identity,
// SSO, credential_process, `aws login` sessions). The SDK's loaders are imported only when a profile is
// used, so runs without one never pay for them.

import * as runner from '../action/runner.js';
import { display } from '../diagnose/display.js';
import { STS } from './aws-env.js';
import type { ItemInput } from './registry-items.js';
import { type ApiSettings, type CredentialProvider, clientConfig } from './token-api.js';

// The names the SDK's ini parser accepts in a `[profile NAME]` section header.
const PROFILE_NAME = /^[\w\-@+.%:/]{1,128}$/;

export const PROFILE_ITEMS: ItemInput = {
  input: 'registry-profiles',
  valueName: 'PROFILE',
  noun: 'a profile',
  checkValue: (name) =>
    PROFILE_NAME.test(name)
      ? undefined
      : `${display(name)} is not a profile name (letters, digits and _ - @ + . % : /).`,
};

/** The files the SDK reads: AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE, else its ~/.aws defaults. */
function files(env: NodeJS.ProcessEnv) {
  return {
    ...(env.AWS_CONFIG_FILE ? { configFilepath: env.AWS_CONFIG_FILE } : {}),
    ...(env.AWS_SHARED_CREDENTIALS_FILE ? { filepath: env.AWS_SHARED_CREDENTIALS_FILE } : {}),
  };
}

/** How a message names the shared files: the variables' paths, else the SDK's defaults. */
export function profileFiles(env: NodeJS.ProcessEnv): string {
  return `${env.AWS_CONFIG_FILE || '~/.aws/config'} or ${env.AWS_SHARED_CREDENTIALS_FILE || '~/.aws/credentials'}`;
}

/** The profile names in the shared files, as the SDK parses them (sso-session and services sections are not profiles). */
export async function profileNames(env: NodeJS.ProcessEnv): Promise<string[]> {
  const { loadSharedConfigFiles } = await import('@smithy/core/config');
  const { configFile, credentialsFile } = await loadSharedConfigFiles({ ...files(env), ignoreCache: true });
  const names = [...Object.keys(configFile), ...Object.keys(credentialsFile)].filter(
    (name) => !/^(sso-session|services)\./.test(name),
  );
  return [...new Set(names)].sort();
}

/** The message for profiles the files do not define (names only: a profile's values are never shown). */
export function unknownProfilesMessage(
  wanted: Iterable<string>,
  found: readonly string[],
  env: NodeJS.ProcessEnv,
): string | undefined {
  const missing = [...new Set(wanted)].filter((p) => !found.includes(p));
  if (missing.length === 0) return undefined;
  const listed = found.length > 0 ? found.map((n) => display(n)).join(', ') : 'none';
  const names = missing.map((n) => display(n)).join(', ');
  return (
    `Input \`registry-profiles\`: ${missing.length === 1 ? 'profile' : 'profiles'} ${names} not found in ` +
    `${profileFiles(env)} (profiles found: ${listed}).`
  );
}

/** Why the profiles cannot be used (one is not in the files), checked before any call; or undefined. */
export async function checkProfiles(
  wanted: Iterable<string>,
  env: NodeJS.ProcessEnv,
): Promise<string | undefined> {
  const names = [...wanted];
  return names.length === 0 ? undefined : unknownProfilesMessage(names, await profileNames(env), env);
}

/**
 * A credentials factory per profile: each profile is resolved once, however many calls it signs. The
 * SDK's own STS calls (role_arn, web identity) go through our proxy agent and timeouts; `region` is
 * theirs unless the profile names one.
 */
export function profileResolver(base: ApiSettings, region: string): (profile: string) => CredentialProvider {
  const cache = new Map<string, ReturnType<CredentialProvider>>();
  const resolve = async (profile: string) => {
    const { fromIni } = await import('@aws-sdk/credential-provider-ini');
    const { requestHandler } = await clientConfig(STS, region, false, base);
    try {
      const c = await fromIni({
        profile,
        ...files(base.env),
        ignoreCache: true,
        parentClientConfig: { region, requestHandler },
      })();
      runner.setSecret(c.secretAccessKey);
      if (c.sessionToken) runner.setSecret(c.sessionToken);
      return c;
    } catch (error) {
      throw new ProfileError(profile, error);
    }
  };
  return (profile) => () => {
    let pending = cache.get(profile);
    if (!pending) {
      pending = resolve(profile);
      cache.set(profile, pending);
    }
    return pending;
  };
}

/** A profile's credentials could not be resolved: carries the profile so the diagnosis can name it. */
export class ProfileError extends Error {
  constructor(
    readonly profile: string,
    override readonly cause: unknown,
  ) {
    super(
      `the credentials of profile ${profile} could not be resolved: ${(cause as Error)?.message ?? String(cause)}`,
    );
    this.name = 'ProfileError';
  }
}
