// Fetches every planned token at once and decodes the answers into docker credentials, one more per
// alias. A failed request becomes one diagnosed failure per registry it was for; the others go on.

import { InputError } from '../action/inputs.js';
import * as runner from '../action/runner.js';
import type { DockerCredential, RegistryFailure, Settings } from '../action/types.js';
import { describeApiFailure } from '../diagnose/api.js';
import { aliasCredentials } from './aliases.js';
import { ECR, ECR_PUBLIC } from './aws-env.js';
import { type AuthorizationData, credentialsFor, orderCredentials } from './credentials.js';
import { callerIdentity } from './identity.js';
import { checkProfiles, profileResolver } from './profiles.js';
import { roleAssumer } from './roles.js';
import { validateAuthorizationData } from './token-answer.js';
import type { ApiSettings, getAuthorizationToken } from './token-api.js';
import { signedWith, type TokenRequest } from './token-plan.js';

export type GetToken = typeof getAuthorizationToken;

interface Tokens {
  credentials: DockerCredential[];
  failures: RegistryFailure[];
}

/** How a token call is signed: with roles (registry-roles), profiles (registry-profiles), or neither. */
export interface Signing {
  roles: boolean;
  profiles: boolean;
  /** The region of the profiles' own STS calls (unless a profile names one). */
  region: string;
  /** Hides a role session's secrets (the credential helper's refresh passes a no-op: its stdout is the answer). */
  mask?: (secret: string) => void;
}

/**
 * The token API's settings (main's fetch and the credential helper's refresh). Profiles resolve with the
 * base settings (their STS calls use our proxy and timeouts); roles are assumed with the step's own
 * credentials or a profile's: the STS client gets the settings without roles.
 */
export function apiSettings(
  limits: { maxAttempts: number; apiTimeoutSeconds: number; httpProxy?: string | undefined },
  env: NodeJS.ProcessEnv,
  signing: Signing,
): ApiSettings {
  const base: ApiSettings = {
    maxAttempts: limits.maxAttempts,
    timeoutSeconds: limits.apiTimeoutSeconds,
    env,
    ...(limits.httpProxy ? { httpProxy: limits.httpProxy } : {}),
  };
  const withProfiles = signing.profiles
    ? { ...base, profileCredentials: profileResolver(base, signing.region) }
    : base;
  return signing.roles
    ? { ...withProfiles, credentialsFor: roleAssumer(withProfiles, signing.mask) }
    : withProfiles;
}

function describeRequest(request: TokenRequest): string {
  const what =
    request.kind === 'public' ? 'ECR Public' : request.registryIds.join(', ') || 'the default registry';
  const fips = request.kind === 'private' && request.fips ? ' (FIPS)' : '';
  const signer = signedWith(request);
  return `GetAuthorizationToken in ${request.region}${fips} for ${what}${signer ? ` with ${signer}` : ''}`;
}

/** What went wrong with a planned request's call, diagnosed (main's fetch and the helper's refresh). */
export function describeTokenFailure(
  request: TokenRequest,
  error: unknown,
  api: ApiSettings,
): Promise<string> {
  const service = request.kind === 'public' ? ECR_PUBLIC : ECR;
  return describeApiFailure(error, {
    service,
    action: `${service.id}:GetAuthorizationToken`,
    region: request.region,
    fips: request.kind === 'private' && request.fips,
    settings: api,
    ...(request.role ? { role: request.role } : {}),
    ...(request.profile ? { profile: request.profile } : {}),
  });
}

async function failuresOf(
  request: TokenRequest,
  error: unknown,
  api: ApiSettings,
): Promise<RegistryFailure[]> {
  const message = await describeTokenFailure(request, error, api);
  return failureRows(request, message);
}

/** One failure per registry of a request (the default registry is named by its region). */
function failureRows(request: TokenRequest, message: string): RegistryFailure[] {
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

/** An empty answer says who asked (only STS knows): the principal has no registry in that region. */
async function answerProblem(
  problem: string,
  data: readonly AuthorizationData[],
  request: TokenRequest,
  api: ApiSettings,
): Promise<string> {
  if (data.length > 0) return problem;
  const principal = await callerIdentity(api, request.region, request.role, request.profile);
  return principal ? `${problem} (called as ${principal.arn})` : problem;
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
  const api = apiSettings(settings, env, {
    roles: settings.roles.size > 0,
    profiles: settings.profiles.size > 0,
    region: settings.region ?? 'us-east-1',
  });
  const order = (r: (typeof settings.registries)[number]) => settings.registries.indexOf(r);
  const failures: RegistryFailure[] = [];
  const results = await Promise.all(
    requests.map(async (request) => {
      runner.debug(describeRequest(request));
      try {
        const answer = await getToken(request, api);
        // Checked before anything (a mask, a log line) reads it.
        const checked = validateAuthorizationData(answer.data, request);
        if ('problem' in checked) {
          failures.push(
            ...failureRows(request, await answerProblem(checked.problem, answer.data, request, api)),
          );
          return [];
        }
        return credentialsFor(request, checked.ok, order, settings.maskPassword, runner.setSecret);
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
