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

/** Roles are assumed with the step's own credentials: the STS client gets the base settings, without roles. */
function apiSettings(settings: Settings, env: NodeJS.ProcessEnv): ApiSettings {
  const base: ApiSettings = {
    maxAttempts: settings.maxAttempts,
    timeoutSeconds: settings.apiTimeoutSeconds,
    env,
    ...(settings.httpProxy ? { httpProxy: settings.httpProxy } : {}),
  };
  return settings.roles.size > 0 ? { ...base, credentialsFor: roleAssumer(base) } : base;
}

function describeRequest(request: TokenRequest): string {
  const what =
    request.kind === 'public' ? 'ECR Public' : request.registryIds.join(', ') || 'the default registry';
  const fips = request.kind === 'private' && request.fips ? ' (FIPS)' : '';
  return `GetAuthorizationToken in ${request.region}${fips} for ${what}${request.role ? ` as ${request.role}` : ''}`;
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

export async function fetchTokens(
  requests: readonly TokenRequest[],
  settings: Settings,
  env: NodeJS.ProcessEnv,
  getToken: GetToken,
): Promise<Tokens> {
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
  return { credentials: orderCredentials(results.flat()), failures };
}
