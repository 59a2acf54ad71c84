// Turns a failed AWS call into one paragraph: what happened, the likely cause, the fix. Never quotes a
// secret or a credential variable's value: every message goes through message.ts's scrub.
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { type ApiSettings, endpointFor, type Service } from './aws.js';
import { redactUserinfo } from './display.js';
import { callerIdentity, principalName, roleArnOfSession } from './identity.js';
import { finish, hostPort, oneLine, proxyNote, proxyUrl, sentence } from './message.js';
import { ProfileError } from './profiles.js';
import { proxyFor } from './proxy.js';
import { AssumeRoleError } from './roles.js';

type Env = NodeJS.ProcessEnv;

export interface ApiFailureContext {
  /** The IAM action that failed, e.g. ecr:GetAuthorizationToken. */
  action: string;
  endpoint: string;
  region: string;
  /** How the call was made: lets a diagnosis ask STS who the caller was, with the same credentials. */
  settings: ApiSettings;
  role?: string;
}

interface AwsErrorShape {
  name?: string;
  code?: string;
  message?: string;
  hostname?: string;
  address?: string;
  port?: number;
  $fault?: string;
  $metadata?: { httpStatusCode?: number; attempts?: number };
  $response?: { statusCode?: number; headers?: Record<string, string | undefined> };
}

export function errorCode(error: unknown): string {
  const e = error as AwsErrorShape;
  const name = e?.name && e.name !== 'Error' ? e.name : undefined;
  return name || e?.code || e?.name || 'Error';
}

/** AWS credential settings a user may have set, by name (their values are never shown). */
export const CREDENTIAL_VARIABLES = [
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_SECURITY_TOKEN',
  'AWS_PROFILE',
  'AWS_DEFAULT_PROFILE',
  'AWS_ROLE_ARN',
  'AWS_WEB_IDENTITY_TOKEN_FILE',
  'AWS_SHARED_CREDENTIALS_FILE',
  'AWS_CONFIG_FILE',
  'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
  'AWS_CONTAINER_CREDENTIALS_FULL_URI',
] as const;

const THROTTLING = new Set([
  'ThrottlingException',
  'Throttling',
  'ThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'SlowDown',
]);

const ACCESS_DENIED = new Set(['AccessDeniedException', 'AccessDenied']);

const EXPIRED = new Set(['ExpiredToken', 'ExpiredTokenException']);

const BAD_KEYS = new Set([
  'UnrecognizedClientException',
  'InvalidClientTokenId',
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
]);

const CLOCK = new Set(['RequestExpired', 'RequestTimeTooSkewed', 'RequestInTheFuture']);

const NETWORK_CODES = new Set([
  'ENOTFOUND',
  'EAI_AGAIN',
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'ESOCKETTIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'EPROTO',
]);

const TLS_CODE =
  /^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|HOSTNAME_MISMATCH|EPROTO)/;

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

function serviceOf(action: string): Service {
  const prefix = action.slice(0, action.indexOf(':'));
  return prefix === 'ecr-public' || prefix === 'sts' ? prefix : 'ecr';
}

const ENDPOINT_VARIABLE: Record<Service, string> = {
  ecr: 'AWS_ENDPOINT_URL_ECR',
  'ecr-public': 'AWS_ENDPOINT_URL_ECR_PUBLIC',
  sts: 'AWS_ENDPOINT_URL_STS',
};

/** Which variable (by name) set the endpoint, if one did. */
function endpointSource(service: Service, env: Env): string | undefined {
  const specific = ENDPOINT_VARIABLE[service];
  if (env[specific]) return specific;
  return env.AWS_ENDPOINT_URL ? 'AWS_ENDPOINT_URL' : undefined;
}

/** The principal: STS GetCallerIdentity with the same credentials; else the ARN AWS named; else unknown. */
async function principalOf(
  ctx: { settings: ApiSettings; region: string },
  role: string | undefined,
  awsMessage: string,
): Promise<string | undefined> {
  const who = await callerIdentity(ctx.settings, ctx.region, role);
  if (who?.arn) return who.arn;
  return /\bUser: (arn:[^\s]+) is not authorized/.exec(awsMessage)?.[1];
}

export async function describeApiFailure(error: unknown, ctx: ApiFailureContext): Promise<string> {
  let text: string;
  try {
    text = await diagnose(error, ctx);
  } catch {
    text = fallback(error, ctx);
  }
  return finish(text, ctx.settings.env, ctx.settings.httpProxy);
}

function head(ctx: ApiFailureContext): string {
  return `${ctx.action} failed in ${ctx.region} (${redactUserinfo(ctx.endpoint)})`;
}

function fallback(error: unknown, ctx: ApiFailureContext): string {
  const e = error as AwsErrorShape;
  return `${head(ctx)}: ${errorCode(error)}: ${oneLine(e?.message ?? String(error))}`;
}

function isAssumeRoleError(error: unknown): error is AssumeRoleError {
  const e = error as { role?: unknown; cause?: unknown };
  return error instanceof AssumeRoleError || (typeof e?.role === 'string' && e.cause !== undefined);
}

function isNetworkError(e: AwsErrorShape): boolean {
  const code = e?.code ?? '';
  if (NETWORK_CODES.has(code) || TLS_CODE.test(code)) return true;
  if (e?.name === 'TimeoutError') return true;
  if (e?.$metadata?.httpStatusCode !== undefined) return false;
  return /socket hang up|ECONNRESET|certificate|TLS|SSL/i.test(e?.message ?? '');
}

async function diagnose(error: unknown, ctx: ApiFailureContext): Promise<string> {
  if (error instanceof ProfileError) return profileFailure(error, ctx);
  if (isAssumeRoleError(error)) return assumeRoleFailure(error, ctx);
  const e = error as AwsErrorShape;
  const code = errorCode(error);
  const message = oneLine(e?.message ?? String(error));
  if (code === 'CredentialsProviderError' || /Could not load credentials from any providers/i.test(message))
    return missingCredentials(ctx, code, message);
  if (/Region is missing/i.test(message)) return missingRegion(ctx, message);
  if (THROTTLING.has(code)) return throttled(e, ctx, code, message);
  if (ACCESS_DENIED.has(code)) return accessDenied(ctx, code, message);
  if (EXPIRED.has(code)) return expired(ctx, code, message);
  if (
    CLOCK.has(code) ||
    /Signature expired|Signature not yet current/i.test(message) ||
    (code === 'InvalidSignatureException' && /expired|skew/i.test(message))
  )
    return clockSkew(e, ctx, code, message);
  if (BAD_KEYS.has(code) || (code === 'InvalidSignatureException' && /does not match/i.test(message)))
    return badKeys(ctx, code, message);
  if (isNetworkError(e)) return network(e, ctx);
  const status = e?.$metadata?.httpStatusCode ?? 0;
  if (status >= 500 || e?.$fault === 'server') return serverError(e, ctx, code, message);
  return fallback(error, ctx);
}

function policyFor(action: string): string {
  const actions =
    action.startsWith('ecr-public:') || action === 'sts:GetServiceBearerToken'
      ? '["ecr-public:GetAuthorizationToken","sts:GetServiceBearerToken"]'
      : `"${action}"`;
  return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":${actions},"Resource":"*"}]}`;
}

async function accessDenied(ctx: ApiFailureContext, code: string, message: string): Promise<string> {
  const principal = await principalOf(ctx, ctx.role, message);
  const denied = /not authorized to perform: ([\w-]+:[\w*]+)/.exec(message)?.[1] ?? ctx.action;
  const who = principal ?? 'an unknown principal (STS GetCallerIdentity did not answer)';
  const holder = principal ? principalName(principal) : 'the principal';
  const explicit = /explicit deny/i.test(message);
  const via = ctx.role ? ` (role ${ctx.role} from registry-roles)` : '';
  const cause = explicit
    ? `an explicit Deny (in an identity policy, a permissions boundary or an organization SCP) blocks ${denied}; no Allow can override it.`
    : `no policy of ${holder} allows ${denied}; ${
        ctx.action.startsWith('ecr-public:')
          ? 'ecr-public:GetAuthorizationToken and sts:GetServiceBearerToken must both be allowed on Resource "*"'
          : 'ecr:GetAuthorizationToken must be allowed on Resource "*" (it cannot be scoped to a repository)'
      }.`;
  const fix = explicit
    ? `remove or narrow the Deny on ${denied} for ${holder}.`
    : `attach to ${holder} a policy such as ${policyFor(denied)}; pulls also need ecr:BatchGetImage and ecr:GetDownloadUrlForLayer on the repositories, pushes the upload actions.`;
  return (
    `${head(ctx)}: ${code}: ${denied} was denied for ${who}${via}. AWS said: ${sentence(message)} ` +
    `Cause: ${cause} Fix: ${fix}`
  );
}

function expired(ctx: ApiFailureContext, code: string, message: string): string {
  const env = ctx.settings.env;
  const source = env.AWS_WEB_IDENTITY_TOKEN_FILE
    ? 'the web identity session'
    : env.AWS_SESSION_TOKEN
      ? 'the temporary credentials in AWS_SESSION_TOKEN'
      : "the job's temporary credentials";
  return (
    `${head(ctx)}: ${code}: the job's AWS session has expired (${message}). ` +
    `Cause: ${source} outlived their session; aws-actions/configure-aws-credentials issues 1-hour sessions by default, ` +
    'and long builds before this step use them up. ' +
    'Fix: run configure-aws-credentials again right before this step, or lengthen its session with role-duration-seconds ' +
    "(up to the role's maximum session duration, which IAM lets you raise to 12 hours)."
  );
}

/** Names of the credential variables set in `env`, and what is odd about them (names and key types only). */
export function credentialVariablesNote(env: Env): string {
  const set = CREDENTIAL_VARIABLES.filter((n) => env[n]?.trim());
  const notes: string[] = [];
  const key = env.AWS_ACCESS_KEY_ID?.trim() ?? '';
  const token = !!(env.AWS_SESSION_TOKEN?.trim() || env.AWS_SECURITY_TOKEN?.trim());
  if (key.startsWith('ASIA') && !token)
    notes.push('the access key is a temporary one (ASIA…) but no AWS_SESSION_TOKEN is set');
  if (key.startsWith('AKIA') && token)
    notes.push(
      'the access key is a long-term one (AKIA…) yet an AWS_SESSION_TOKEN is set, left over from another session',
    );
  if (key && !env.AWS_SECRET_ACCESS_KEY?.trim())
    notes.push('AWS_ACCESS_KEY_ID is set without AWS_SECRET_ACCESS_KEY');
  if (!key && env.AWS_SECRET_ACCESS_KEY?.trim())
    notes.push('AWS_SECRET_ACCESS_KEY is set without AWS_ACCESS_KEY_ID');
  if (key && env.AWS_PROFILE?.trim())
    notes.push('AWS_PROFILE is set too, so the SDK signs with that profile and skips the environment keys');
  else if (key && env.AWS_WEB_IDENTITY_TOKEN_FILE?.trim())
    notes.push('the environment keys take precedence over the web identity settings');
  const list = set.length > 0 ? set.join(', ') : 'none';
  return `AWS credential variables set in this step: ${list}${notes.length > 0 ? ` (${notes.join('; ')})` : ''}`;
}

function badKeys(ctx: ApiFailureContext, code: string, message: string): string {
  const mismatch = code === 'SignatureDoesNotMatch' || /does not match/i.test(message);
  const via = ctx.role
    ? ` The call was signed with the credentials of role ${ctx.role} (registry-roles).`
    : '';
  return (
    `${head(ctx)}: ${code}: AWS did not accept the credentials (${message}).${via} ` +
    `Cause: ${mismatch ? 'the secret key does not belong to the access key' : 'the access key is invalid (deleted, rotated or mistyped)'}, ` +
    'or keys were mixed from different sessions (e.g. an AWS_SESSION_TOKEN from another configure-aws-credentials run); ' +
    `an opt-in region that is not enabled for the account answers the same. ${credentialVariablesNote(ctx.settings.env)}. ` +
    'Fix: set AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN together from one source ' +
    '(one configure-aws-credentials step, or one set of secrets), and unset leftovers from earlier steps.'
  );
}

/** Seconds the local clock is behind (positive) or ahead of (negative) the server's Date header. */
export function clockSkewSeconds(dateHeader: string | undefined, now = Date.now()): number | undefined {
  if (!dateHeader) return undefined;
  const server = Date.parse(dateHeader);
  return Number.isNaN(server) ? undefined : Math.round((server - now) / 1000);
}

function responseDate(e: AwsErrorShape): string | undefined {
  const headers = e?.$response?.headers ?? {};
  const key = Object.keys(headers).find((k) => k.toLowerCase() === 'date');
  return key ? headers[key] : undefined;
}

function clockSkew(e: AwsErrorShape, ctx: ApiFailureContext, code: string, message: string): string {
  const now = Date.now();
  const date = responseDate(e);
  const skew = clockSkewSeconds(date, now);
  const local = new Date(now).toISOString().replace(/\.\d{3}Z$/, 'Z');
  let measured: string;
  if (skew === undefined) {
    measured = 'the response carried no Date header to compare the local clock with';
  } else {
    const direction = skew >= 0 ? 'behind' : 'ahead of';
    measured =
      `this runner's clock is ${Math.abs(skew)} s ${direction} AWS (local ${local}, AWS Date header ${date})` +
      (Math.abs(skew) < 240
        ? '; that is within the 5 minutes AWS allows now, so the clock was probably corrected while the request was in flight or a proxy held it for minutes'
        : '');
  }
  return (
    `${head(ctx)}: ${code}: AWS refused the request signature as expired (${message}). ` +
    `Cause: clock skew: ${measured}; AWS refuses signatures more than 5 minutes off its clock. ` +
    "Fix: synchronise the runner's clock (chrony / systemd-timesyncd on self-hosted runners; the host's clock for containers and VMs)."
  );
}

function throttled(e: AwsErrorShape, ctx: ApiFailureContext, code: string, message: string): string {
  const attempts = e?.$metadata?.attempts ?? ctx.settings.maxAttempts;
  return (
    `${head(ctx)}: ${code}: AWS throttled the call on all ${attempts} attempt${attempts === 1 ? '' : 's'} (${message}). ` +
    'Cause: too many calls at once in this account and region, typically many jobs logging in simultaneously. ' +
    `Fix: raise max-attempts (now ${ctx.settings.maxAttempts}, at most 10) so the SDK backs off longer, or run fewer concurrent jobs ` +
    '(a concurrency group or strategy.max-parallel), or log in once per workflow instead of per job.'
  );
}

function serverError(e: AwsErrorShape, ctx: ApiFailureContext, code: string, message: string): string {
  const attempts = e?.$metadata?.attempts ?? ctx.settings.maxAttempts;
  const status = e?.$metadata?.httpStatusCode;
  return (
    `${head(ctx)}: ${code}: AWS answered ${status ? `HTTP ${status}` : 'a server error'} on all ${attempts} attempt${attempts === 1 ? '' : 's'} (${message}). ` +
    'Cause: a service-side problem, or a proxy in between that fails. ' +
    `Fix: re-run the job; if it persists check the AWS Health Dashboard for ${ctx.region}, or raise max-attempts (now ${ctx.settings.maxAttempts}).`
  );
}

function networkWhat(
  e: AwsErrorShape,
  target: string,
  timeoutSeconds: number,
): { what: string; kind: string } {
  const code = e?.code ?? '';
  const msg = oneLine(e?.message);
  if (e?.name === 'TimeoutError' || code === 'ETIMEDOUT' || code === 'ESOCKETTIMEDOUT')
    return {
      what: `no answer from ${target} within ${timeoutSeconds} s (${e?.name === 'TimeoutError' ? 'TimeoutError' : code})`,
      kind: 'timeout',
    };
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN')
    return { what: `DNS lookup of ${e?.hostname ?? target} failed (${code})`, kind: 'dns' };
  if (code === 'ECONNREFUSED') {
    const at = e?.address ? `${e.address}${e.port ? `:${e.port}` : ''}` : target;
    return { what: `the connection to ${at} was refused (ECONNREFUSED)`, kind: 'refused' };
  }
  if (TLS_CODE.test(code) || /certificate|TLS|SSL/i.test(msg))
    return {
      what: `the TLS handshake with ${target} failed (${code ? `${code}: ` : ''}${msg})`,
      kind: 'tls',
    };
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH' || code === 'ENETDOWN')
    return { what: `${target} is unreachable from this runner (${code})`, kind: 'unreachable' };
  return { what: `the connection to ${target} broke (${code ? `${code}: ` : ''}${msg})`, kind: 'reset' };
}

function network(e: AwsErrorShape, ctx: ApiFailureContext): string {
  const env = ctx.settings.env;
  const service = serviceOf(ctx.action);
  const host = hostOf(ctx.endpoint);
  const attempts = e?.$metadata?.attempts ?? ctx.settings.maxAttempts;
  const networkFailure = networkWhat(e, host, ctx.settings.timeoutSeconds);
  const { what } = networkFailure;
  let { kind } = networkFailure;
  const route = proxyNote(ctx.endpoint, ctx.settings.httpProxy, env);
  // Did the proxy itself fail (refused, or its name did not resolve)?
  let proxy: URL | undefined;
  try {
    proxy = proxyUrl(proxyFor(ctx.endpoint, ctx.settings.httpProxy, env));
  } catch {
    proxy = undefined;
  }
  if (proxy) {
    const proxyPort = proxy.port || (proxy.protocol === 'https:' ? '443' : '80');
    const atProxy =
      (kind === 'refused' && e?.address === proxy.hostname && String(e?.port ?? '') === proxyPort) ||
      (kind === 'dns' && e?.hostname === proxy.hostname);
    if (atProxy) kind = 'proxy';
  }
  const proxySource = ctx.settings.httpProxy ? 'the http-proxy input' : 'HTTPS_PROXY / HTTP_PROXY';
  const overridden = endpointSource(service, env);
  const endpointVar = ENDPOINT_VARIABLE[service];
  const vpc =
    service === 'ecr-public'
      ? 'ECR Public is reached over the internet, so the runner needs egress or a proxy to it'
      : `in a VPC without internet egress use a VPC interface endpoint (com.amazonaws.${ctx.region}.${service === 'ecr' ? 'ecr.api' : 'sts'}) with private DNS enabled, or set ${endpointVar} to its DNS name`;
  const causes: Record<string, string> = {
    timeout:
      'packets are dropped on the way (security group, NACL or firewall egress on port 443), the proxy does not answer, or the network is very slow',
    dns: `the runner cannot resolve the host: no DNS for it${overridden ? ` (check ${overridden} for a typo)` : ''}, or a VPC endpoint whose private DNS is off`,
    refused: `nothing listens there${overridden ? ` (check the port in ${overridden})` : ''}, or the proxy is not running`,
    tls: 'a TLS-inspecting proxy or firewall presents a certificate Node does not trust, or the endpoint does not speak TLS on that port',
    unreachable:
      'no route from this runner to the host (no internet egress, or a private subnet without NAT)',
    reset: 'a proxy or firewall closed the connection, or the endpoint is not an AWS API',
    proxy: `the proxy ${proxy?.host ?? ''} itself is not reachable: it is not running, or its URL is wrong`,
  };
  const fixes: Record<string, string> = {
    timeout: `allow egress to ${hostPort(ctx.endpoint)}, set the proxy (http-proxy input or HTTPS_PROXY; NO_PROXY for exceptions), or raise api-timeout-seconds (now ${ctx.settings.timeoutSeconds}) / max-attempts (now ${ctx.settings.maxAttempts})`,
    dns: 'behind a corporate proxy set the http-proxy input or HTTPS_PROXY',
    refused: 'check the endpoint and proxy settings',
    tls: `point NODE_EXTRA_CA_CERTS at your organisation's CA bundle in the job env (it is read when node starts), or correct the scheme/port of ${endpointVar}`,
    unreachable: 'give the runner egress (NAT gateway) or a proxy (http-proxy input / HTTPS_PROXY)',
    reset: 'check the proxy and firewall logs for this host',
    proxy: `correct the proxy URL in ${proxySource}, or exempt ${host} with NO_PROXY`,
  };
  return (
    `${head(ctx)}: ${what}, ${attempts === 1 ? 'on the only attempt' : `on all ${attempts} attempts`}; ` +
    `the request went ${route}${overridden ? ` to the endpoint set by ${overridden}` : ''}. ` +
    `Cause: ${causes[kind]}. Fix: ${fixes[kind]}; ${vpc}.`
  );
}

function credentialFiles(env: Env): string {
  const home = env.HOME || homedir();
  const files = [
    [
      env.AWS_SHARED_CREDENTIALS_FILE ? 'AWS_SHARED_CREDENTIALS_FILE' : '~/.aws/credentials',
      env.AWS_SHARED_CREDENTIALS_FILE || join(home, '.aws', 'credentials'),
    ],
    [
      env.AWS_CONFIG_FILE ? 'AWS_CONFIG_FILE' : '~/.aws/config',
      env.AWS_CONFIG_FILE || join(home, '.aws', 'config'),
    ],
  ] as const;
  return files.map(([label, path]) => `${label}: ${existsSync(path) ? 'present' : 'not found'}`).join(', ');
}

/** A registry-profiles profile gave no credentials: the SDK's reason, and where the profile lives. */
function profileFailure(error: ProfileError, ctx: ApiFailureContext): string {
  const cause = error.cause as AwsErrorShape;
  const env = ctx.settings.env;
  const files = `${env.AWS_CONFIG_FILE || '~/.aws/config'} or ${env.AWS_SHARED_CREDENTIALS_FILE || '~/.aws/credentials'}`;
  return (
    `${head(ctx)}: ${errorCode(error.cause)}: profile ${error.profile} (registry-profiles) gave no credentials, ` +
    `so no token was fetched. The SDK said: ${sentence(oneLine(cause?.message ?? String(error.cause)))} ` +
    `Fix: check profile ${error.profile} in ${files}: its keys, or its role_arn with source_profile, ` +
    'web_identity_token_file, sso_session or credential_process, and the step that wrote it.'
  );
}

function missingCredentials(ctx: ApiFailureContext, code: string, message: string): string {
  const env = ctx.settings.env;
  const isSet = (...names: string[]) =>
    names.map((n) => `${n} ${env[n]?.trim() ? 'set' : 'not set'}`).join(', ');
  const imds = /^true$/i.test(env.AWS_EC2_METADATA_DISABLED ?? '')
    ? 'disabled by AWS_EC2_METADATA_DISABLED'
    : 'no answer (not an EC2 instance, or IMDS blocked)';
  const oidc = env.ACTIONS_ID_TOKEN_REQUEST_URL
    ? 'the job can request an OIDC token'
    : 'this job cannot request an OIDC token (no `id-token: write` permission)';
  const has = (n: string) => !!env[n]?.trim();
  const keys = has('AWS_ACCESS_KEY_ID') && has('AWS_SECRET_ACCESS_KEY');
  const skipped = keys && has('AWS_PROFILE') ? ', skipped because AWS_PROFILE is set' : '';
  const cause = has('AWS_PROFILE')
    ? 'AWS_PROFILE is set, so the SDK looked only for that profile (not the environment keys), and the shared files do not define it with credentials'
    : has('AWS_ACCESS_KEY_ID') !== has('AWS_SECRET_ACCESS_KEY')
      ? 'only one of AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY is set; the SDK needs both'
      : 'no earlier step configured AWS credentials for this job';
  return (
    `${head(ctx)}: ${code}: no AWS credentials were found (${message}). Sources tried: ` +
    `environment keys (${isSet('AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY')}${skipped}); ` +
    `web identity / OIDC (${isSet('AWS_WEB_IDENTITY_TOKEN_FILE', 'AWS_ROLE_ARN')}; ${oidc}); ` +
    `profile and shared files incl. SSO and credential_process (${isSet('AWS_PROFILE')}; ${credentialFiles(env)}); ` +
    `container credentials (${isSet('AWS_CONTAINER_CREDENTIALS_RELATIVE_URI', 'AWS_CONTAINER_CREDENTIALS_FULL_URI')}); ` +
    `EC2 instance metadata (${imds}). ` +
    `Cause: ${cause}. ` +
    `Fix: ${has('AWS_PROFILE') ? 'unset AWS_PROFILE or define that profile; otherwise ' : ''}` +
    'add aws-actions/configure-aws-credentials before this step with role-to-assume and give the job `permissions: id-token: write` (OIDC), ' +
    'or pass AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY from secrets.'
  );
}

function missingRegion(ctx: ApiFailureContext, message: string): string {
  return (
    `${ctx.action} failed: no region (${message}). Checked: the \`region\` input, AWS_REGION and AWS_DEFAULT_REGION. ` +
    'Fix: set one of them, or list registries by host (which carries its region).'
  );
}

async function assumeRoleFailure(error: AssumeRoleError, ctx: ApiFailureContext): Promise<string> {
  const cause = error.cause as AwsErrorShape;
  const code = errorCode(cause);
  const message = oneLine(cause?.message ?? String(cause));
  const stsCtx: ApiFailureContext = {
    action: 'sts:AssumeRole',
    endpoint: endpointFor('sts', ctx.region, false, ctx.settings.env),
    region: ctx.region,
    // The role is assumed with the step's own credentials: ask STS who those are, not the role.
    settings: { ...ctx.settings, credentialsFor: undefined },
  };
  if (!ACCESS_DENIED.has(code)) {
    const inner = await diagnose(cause, stsCtx);
    return `Could not assume ${error.role} for ${ctx.action}: ${inner}`;
  }
  const principal = await principalOf(stsCtx, undefined, message);
  const who = principal ?? 'an unknown principal (STS GetCallerIdentity did not answer)';
  const trusted = principal ? (roleArnOfSession(principal) ?? principal) : '<your role ARN>';
  const roleName = /:role\/(?:.*\/)?([^/]+)$/.exec(error.role)?.[1] ?? error.role;
  const holder = principal ? principalName(principal) : 'the caller';
  return (
    `${head(stsCtx)}: ${code}: ${who} may not assume ${error.role} (registry-roles), so no token was fetched for ${ctx.action}. ` +
    `AWS said: ${sentence(message)} ` +
    `Cause: the trust policy of role ${roleName} does not allow this principal, or ${holder} lacks sts:AssumeRole on the role. ` +
    `Fix: add to the trust policy of ${roleName} {"Effect":"Allow","Principal":{"AWS":"${trusted}"},"Action":"sts:AssumeRole"}, ` +
    `and allow sts:AssumeRole on ${error.role} in the policies of ${holder}.`
  );
}
