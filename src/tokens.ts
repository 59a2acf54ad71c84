// Fetches every planned token at once and decodes the answers into docker credentials, one more per
// alias. A failed request becomes one diagnosed failure per registry it was for; the others go on.
import { aliasCredentials } from './aliases.js';
import { ECR, ECR_PUBLIC } from './aws-env.js';
import { credentialsFor, orderCredentials } from './credentials.js';
import { describeApiFailure } from './diagnose.js';
import { InputError } from './inputs.js';
import { checkProfiles, profileResolver } from './profiles.js';
import { roleAssumer } from './roles.js';
import * as runner from './runner.js';
import type { ApiSettings, getAuthorizationToken } from './token-api.js';
import { signedWith, type TokenRequest } from './token-plan.js';
import type { DockerCredential, RegistryFailure, Settings } from './types.js';

export type GetToken = typeof getAuthorizationToken;

interface Tokens {
  credentials: DockerCredential[];
  failures: RegistryFailure[];
}

/**
 * Profiles resolve with the base settings (their STS calls use our proxy and timeouts); roles are assumed
 * with the step's own credentials or a profile's: the STS client gets the settings without roles.
 */
function apiSettings(settings: Settings, env: NodeJS.ProcessEnv): ApiSettings {
  const base: ApiSettings = {
    maxAttempts: settings.maxAttempts,
    timeoutSeconds: settings.apiTimeoutSeconds,
    env,
    ...(settings.httpProxy ? { httpProxy: settings.httpProxy } : {}),
  };
  const signing =
    settings.profiles.size > 0
      ? { ...base, profileCredentials: profileResolver(base, settings.region ?? 'us-east-1') }
      : base;
  return settings.roles.size > 0 ? { ...signing, credentialsFor: roleAssumer(signing) } : signing;
}

function describeRequest(request: TokenRequest): string {
  const what =
    request.kind === 'public' ? 'ECR Public' : request.registryIds.join(', ') || 'the default registry';
  const fips = request.kind === 'private' && request.fips ? ' (FIPS)' : '';
  const signer = signedWith(request);
  return `GetAuthorizationToken in ${request.region}${fips} for ${what}${signer ? ` with ${signer}` : ''}`;
}

async function failuresOf(
  request: TokenRequest,
  error: unknown,
  api: ApiSettings,
): Promise<RegistryFailure[]> {
  const service = request.kind === 'public' ? ECR_PUBLIC : ECR;
  const message = await describeApiFailure(error, {
    service,
    action: `${service.id}:GetAuthorizationToken`,
    region: request.region,
    fips: request.kind === 'private' && request.fips,
    settings: api,
    ...(request.role ? { role: request.role } : {}),
    ...(request.profile ? { profile: request.profile } : {}),
  });
  if (request.registries.length === 0) {
    return [{ host: `default registry in ${request.region}`, region: request.region, message }];
  }
  return request.registries.map((r) => ({
    host: r.host,
    ...(r.kind === 'private' ? { account: r.account } : {}),
    region: request.region,
    message,
  }));
}

/**
 * The tokens for the planned requests. A profile the shared files do not define is an input error,
 * found before any call.
 */
export async function fetchTokens(
  requests: readonly TokenRequest[],
  settings: Settings,
  env: NodeJS.ProcessEnv,
  getToken: GetToken,
): Promise<Tokens> {
  const badProfile = await checkProfiles(settings.profiles.values(), env);
  if (badProfile) throw new InputError([badProfile]);
  const api = apiSettings(settings, env);
  const order = (r: (typeof settings.registries)[number]) => settings.registries.indexOf(r);
  const failures: RegistryFailure[] = [];
  const results = await Promise.all(
    requests.map(async (request) => {
      runner.debug(describeRequest(request));
      try {
        const answer = await getToken(request, api);
        return credentialsFor(request, answer.data, order, settings.maskPassword, runner.setSecret);
      } catch (error) {
        failures.push(...(await failuresOf(request, error, api)));
        return [];
      }
    }),
  );
  // An alias's registry is logged in only when `registries` lists it too.
  const listed = new Set(settings.registries.map((r) => r.host));
  const all = results.flat();
  const own = all.filter((c) => c.registry === undefined || listed.has(c.registry));
  const aliases = aliasCredentials(all, settings.aliases, settings.registries.length);
  return { credentials: orderCredentials([...own, ...aliases]), failures };
}
