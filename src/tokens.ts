// Fetches every planned token at once and decodes the answers into docker credentials. A failed request
// becomes one diagnosed failure per registry it was for; the others go on.
import { ECR, ECR_PUBLIC } from './aws-env.js';
import { credentialsFor, orderCredentials } from './credentials.js';
import { describeApiFailure } from './diagnose.js';
import { roleAssumer } from './roles.js';
import * as runner from './runner.js';
import type { ApiSettings, getAuthorizationToken } from './token-api.js';
import type { TokenRequest } from './token-plan.js';
import type { DockerCredential, RegistryFailure, Settings } from './types.js';

export type GetToken = typeof getAuthorizationToken;

interface Tokens {
  credentials: DockerCredential[];
  failures: RegistryFailure[];
}

/**
 * The token API's settings. Roles are assumed with the step's own credentials: the STS client gets the base
 * settings, without roles. `mask` hides a role session's secrets (the credential helper's refresh passes a
 * no-op: its stdout is the protocol's answer).
 */
export function apiSettings(
  limits: { maxAttempts: number; apiTimeoutSeconds: number; httpProxy?: string | undefined },
  env: NodeJS.ProcessEnv,
  assumesRoles: boolean,
  mask: (secret: string) => void = runner.setSecret,
): ApiSettings {
  const base: ApiSettings = {
    maxAttempts: limits.maxAttempts,
    timeoutSeconds: limits.apiTimeoutSeconds,
    env,
    ...(limits.httpProxy ? { httpProxy: limits.httpProxy } : {}),
  };
  return assumesRoles ? { ...base, credentialsFor: roleAssumer(base, mask) } : base;
}

function describeRequest(request: TokenRequest): string {
  const what =
    request.kind === 'public' ? 'ECR Public' : request.registryIds.join(', ') || 'the default registry';
  const fips = request.kind === 'private' && request.fips ? ' (FIPS)' : '';
  return `GetAuthorizationToken in ${request.region}${fips} for ${what}${request.role ? ` as ${request.role}` : ''}`;
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
  });
}

async function failuresOf(
  request: TokenRequest,
  error: unknown,
  api: ApiSettings,
): Promise<RegistryFailure[]> {
  const message = await describeTokenFailure(request, error, api);
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

export async function fetchTokens(
  requests: readonly TokenRequest[],
  settings: Settings,
  env: NodeJS.ProcessEnv,
  getToken: GetToken,
): Promise<Tokens> {
  const api = apiSettings(settings, env, settings.roles.size > 0);
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
  return { credentials: orderCredentials(results.flat()), failures };
}
