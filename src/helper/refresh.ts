// Renews one host's cached token: the host's token request again, signed with the AWS credentials of the
// client that asked (so a later configure-aws-credentials step, an instance profile or pod identity is
// followed). The credential helper loads this module, and with it the AWS SDK, only for a refresh.
import { decodeToken } from '../ecr/credentials.js';
import type { Partition } from '../ecr/registry.js';
import { validateAuthorizationData } from '../ecr/token-answer.js';
import { getAuthorizationToken } from '../ecr/token-api.js';
import type { TokenRequest } from '../ecr/token-plan.js';
import { apiSettings, describeTokenFailure } from '../ecr/tokens.js';
import { type CacheEntry, RECORDED_VARIABLES } from './cache.js';

type Env = NodeJS.ProcessEnv;

/**
 * Makes `env` the environment a refresh runs in: the client's, with main's endpoint and proxy settings in
 * place of its own, and main's AWS_PROFILE when the client names neither a profile nor keys. It changes
 * `env` in place because the SDK reads process.env itself (endpoints, credential chain): the helper is a
 * process that answers one call and exits.
 */
export function adoptRecordedSettings(entry: CacheEntry, env: Env): void {
  const clientNamesCredentials = !!(env.AWS_PROFILE?.trim() || env.AWS_ACCESS_KEY_ID?.trim());
  for (const name of RECORDED_VARIABLES) delete env[name];
  Object.assign(env, entry.settings.env);
  const { profile } = entry.settings;
  if (profile && !clientNamesCredentials) env.AWS_PROFILE = profile;
}

/** The GetAuthorizationToken call for this host alone (its own account, when it has one). */
export function tokenRequest(entry: CacheEntry): TokenRequest {
  const r = entry.request;
  const role = { ...(r.role ? { role: r.role } : {}), ...(r.profile ? { profile: r.profile } : {}) };
  if (r.kind === 'public') return { kind: 'public', region: 'us-east-1', ...role, registries: [] };
  return {
    kind: 'private',
    partition: r.partition as Partition,
    region: r.region,
    fips: r.fips,
    ...role,
    registryIds: r.account ? [r.account] : [],
    registries: [],
  };
}

/**
 * The entry with a fresh token, fetched with the AWS credentials in `env` (process.env in the helper,
 * adopted as above). A failure throws one line with the cause and the fix (nothing secret).
 */
export async function refreshEntry(entry: CacheEntry, env: Env): Promise<CacheEntry> {
  adoptRecordedSettings(entry, env);
  // No masking: stdout is the protocol's channel, and nothing of a role's session is printed.
  const { maxAttempts, timeoutSeconds, httpProxy } = entry.settings;
  const noMask = () => {};
  const settings = apiSettings({ maxAttempts, apiTimeoutSeconds: timeoutSeconds, httpProxy }, env, {
    roles: !!entry.request.role,
    profiles: !!entry.request.profile,
    region: entry.request.region,
    mask: noMask,
  });
  const request = tokenRequest(entry);
  let answer: Awaited<ReturnType<typeof getAuthorizationToken>>;
  try {
    answer = await getAuthorizationToken(request, settings);
  } catch (error) {
    throw new Error(`cannot refresh the ECR token: ${await describeTokenFailure(request, error, settings)}`);
  }
  // Checked before anything reads it, as main checks its answer.
  const checked = validateAuthorizationData(answer.data, request);
  if ('problem' in checked) throw new Error(`cannot refresh the ECR token: ${checked.problem}`);
  const account = entry.request.kind === 'private' ? entry.request.account : undefined;
  const found =
    (account &&
      checked.ok.find((d) =>
        (d.proxyEndpoint ?? '').replace(/^https?:\/\//i, '').startsWith(`${account}.`),
      )) ||
    (checked.ok.length === 1 ? checked.ok[0] : undefined);
  if (!found?.authorizationToken)
    throw new Error('cannot refresh the ECR token: the answer has no authorization token for this registry');
  const { username, password } = decodeToken(found.authorizationToken, false, noMask);
  const expiresAt = found.expiresAt ?? new Date(Date.now() + 12 * 3600_000);
  return { ...entry, username, password, expiresAt: expiresAt.toISOString() };
}
