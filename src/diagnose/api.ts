// Turns a failed AWS call into one paragraph: what happened, the likely cause, the fix, and AWS's
// request ID. Three jobs: classify (classify.ts, pure), gather facts (facts.ts, I/O),
// render (here: failure + facts → message). Never quotes a secret or a credential variable's value:
// every message goes through message.ts's scrub.

import * as runner from '../action/runner.js';
import { CREDENTIAL_VARIABLES, ECR_PUBLIC, STS } from '../ecr/aws-env.js';
import { principalName, roleArnOfSession } from '../ecr/identity.js';
import { profileFiles } from '../ecr/profiles.js';
import { proxyRefusal } from '../net/proxy.js';
import { classify, type Failure } from './classify.js';
import { redactUserinfo } from './display.js';
import { type ApiCall, type Facts, gatherFacts } from './facts.js';
import { finish, hostPort, scrub, sentence } from './message.js';

type Env = NodeJS.ProcessEnv;

/**
 * The message for a failed call. The raw error and its stack go to the debug log first, and a failure
 * inside the diagnosis itself falls back to the AWS error as it came (its own cause logged too).
 */
export async function describeApiFailure(error: unknown, call: ApiCall): Promise<string> {
  const { env, httpProxy } = call.settings;
  runner.debug(scrub(`${call.action} in ${call.region} failed: ${stackOf(error)}`, env, httpProxy));
  const failure = classify(error);
  let text: string;
  try {
    text = await explain(failure, call);
  } catch (inner) {
    runner.debug(scrub(`The diagnosis itself failed: ${stackOf(inner)}`, env, httpProxy));
    text = `${call.action} failed in ${call.region}: ${failure.code}: ${failure.message}`;
  }
  const requestId = failure.requestId ?? failure.cause?.requestId;
  return finish(`${text}${requestId ? ` AWS request ID: ${requestId}.` : ''}`, env, httpProxy);
}

function stackOf(error: unknown): string {
  const e = error as { stack?: unknown; cause?: unknown };
  const own = typeof e?.stack === 'string' ? e.stack : String(error);
  return e?.cause !== undefined ? `${own}\nCaused by: ${stackOf(e.cause)}` : own;
}

async function explain(failure: Failure, call: ApiCall): Promise<string> {
  if (failure.kind === 'assume-role' && failure.cause) return assumeRoleFailure(failure, failure.cause, call);
  return render(failure, await gatherFacts(failure, call), call);
}

/** Kind + facts → the paragraph (before scrubbing). Pure. */
export function render(failure: Failure, facts: Facts, call: ApiCall): string {
  switch (failure.kind) {
    case 'no-credentials':
      return missingCredentials(failure, facts, call);
    case 'no-region':
      return missingRegion(failure, call);
    case 'throttled':
      return throttled(failure, facts, call);
    case 'access-denied':
      return accessDenied(failure, facts, call);
    case 'expired':
      return expired(failure, facts, call);
    case 'clock-skew':
      return clockSkew(failure, facts, call);
    case 'bad-keys':
      return badKeys(failure, facts, call);
    case 'network':
      return network(failure, facts, call);
    case 'server':
      return serverError(failure, facts, call);
    case 'proxy-auth':
      return `${head(call, facts)}: ${facts.route?.proxy ? proxyRefusal(facts.route.proxy.href) : 'a proxy on the way answered 407 Proxy Authentication Required'}.`;
    case 'profile':
      return profileFailure(failure, facts, call);
    default:
      return `${head(call, facts)}: ${failure.code}: ${failure.message}`;
  }
}

function head(call: ApiCall, facts: Facts): string {
  return `${call.action} failed in ${call.region} (${redactUserinfo(facts.endpoint)})`;
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

/** A registry-profiles profile gave no credentials: the SDK's reason, and where the profile lives. */
function profileFailure(failure: Failure, facts: Facts, call: ApiCall): string {
  const profile = failure.profile ?? '';
  return (
    `${head(call, facts)}: ${failure.code}: profile ${profile} (registry-profiles) gave no credentials, ` +
    `so no token was fetched. The SDK said: ${sentence(failure.message)} ` +
    `Fix: check profile ${profile} in ${profileFiles(call.settings.env)}: its keys, or its role_arn with ` +
    'source_profile, web_identity_token_file, sso_session or credential_process, and the step that wrote it.'
  );
}

function attemptsOf(failure: Failure, call: ApiCall): number {
  return failure.attempts ?? call.settings.maxAttempts;
}

function policyFor(action: string): string {
  const actions =
    action.startsWith('ecr-public:') || action === 'sts:GetServiceBearerToken'
      ? '["ecr-public:GetAuthorizationToken","sts:GetServiceBearerToken"]'
      : `"${action}"`;
  return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":${actions},"Resource":"*"}]}`;
}

function accessDenied(failure: Failure, facts: Facts, call: ApiCall): string {
  const principal = facts.principal ?? failure.namedPrincipal;
  const denied = failure.deniedAction ?? call.action;
  const who = principal ?? 'an unknown principal (STS GetCallerIdentity did not answer)';
  const holder = principal ? principalName(principal) : 'the principal';
  const via = call.role ? ` (role ${call.role} from registry-roles)` : '';
  const cause = failure.explicitDeny
    ? `an explicit Deny (in an identity policy, a permissions boundary or an organization SCP) blocks ${denied}; no Allow can override it.`
    : `no policy of ${holder} allows ${denied}; ${
        call.service === ECR_PUBLIC
          ? 'ecr-public:GetAuthorizationToken and sts:GetServiceBearerToken must both be allowed on Resource "*"'
          : 'ecr:GetAuthorizationToken must be allowed on Resource "*" (it cannot be scoped to a repository)'
      }.`;
  const fix = failure.explicitDeny
    ? `remove or narrow the Deny on ${denied} for ${holder}.`
    : `attach to ${holder} a policy such as ${policyFor(denied)}; pulls also need ecr:BatchGetImage and ecr:GetDownloadUrlForLayer on the repositories, pushes the upload actions.`;
  return (
    `${head(call, facts)}: ${failure.code}: ${denied} was denied for ${who}${via}. AWS said: ${sentence(failure.message)} ` +
    `Cause: ${cause} Fix: ${fix}`
  );
}

function expired(failure: Failure, facts: Facts, call: ApiCall): string {
  const env = call.settings.env;
  const source = env.AWS_WEB_IDENTITY_TOKEN_FILE
    ? 'the web identity session'
    : env.AWS_SESSION_TOKEN
      ? 'the temporary credentials in AWS_SESSION_TOKEN'
      : "the job's temporary credentials";
  return (
    `${head(call, facts)}: ${failure.code}: the job's AWS session has expired (${failure.message}). ` +
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

function badKeys(failure: Failure, facts: Facts, call: ApiCall): string {
  const via = call.role
    ? ` The call was signed with the credentials of role ${call.role} (registry-roles).`
    : '';
  return (
    `${head(call, facts)}: ${failure.code}: AWS did not accept the credentials (${failure.message}).${via} ` +
    `Cause: ${failure.signatureMismatch ? 'the secret key does not belong to the access key' : 'the access key is invalid (deleted, rotated or mistyped)'}, ` +
    'or keys were mixed from different sessions (e.g. an AWS_SESSION_TOKEN from another configure-aws-credentials run); ' +
    `an opt-in region that is not enabled for the account answers the same. ${credentialVariablesNote(call.settings.env)}. ` +
    'Fix: set AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN together from one source ' +
    '(one configure-aws-credentials step, or one set of secrets), and unset leftovers from earlier steps.'
  );
}

function clockSkew(failure: Failure, facts: Facts, call: ApiCall): string {
  const skew = facts.skewSeconds;
  const local = new Date(facts.now).toISOString().replace(/\.\d{3}Z$/, 'Z');
  let measured: string;
  if (skew === undefined) {
    measured = 'the response carried no Date header to compare the local clock with';
  } else {
    const direction = skew >= 0 ? 'behind' : 'ahead of';
    measured =
      `this runner's clock is ${Math.abs(skew)} s ${direction} AWS (local ${local}, AWS Date header ${failure.serverDate})` +
      (Math.abs(skew) < 240
        ? '; that is within the 5 minutes AWS allows now, so the clock was probably corrected while the request was in flight or a proxy held it for minutes'
        : '');
  }
  return (
    `${head(call, facts)}: ${failure.code}: AWS refused the request signature as expired (${failure.message}). ` +
    `Cause: clock skew: ${measured}; AWS refuses signatures more than 5 minutes off its clock. ` +
    "Fix: synchronise the runner's clock (chrony / systemd-timesyncd on self-hosted runners; the host's clock for containers and VMs)."
  );
}

function throttled(failure: Failure, facts: Facts, call: ApiCall): string {
  const attempts = attemptsOf(failure, call);
  return (
    `${head(call, facts)}: ${failure.code}: AWS throttled the call on all ${attempts} attempt${attempts === 1 ? '' : 's'} (${failure.message}). ` +
    'Cause: too many calls at once in this account and region, typically many jobs logging in simultaneously. ' +
    `Fix: raise max-attempts (now ${call.settings.maxAttempts}, at most 10) so the SDK backs off longer, or run fewer concurrent jobs ` +
    '(a concurrency group or strategy.max-parallel), or log in once per workflow instead of per job.'
  );
}

function serverError(failure: Failure, facts: Facts, call: ApiCall): string {
  const attempts = attemptsOf(failure, call);
  const status = failure.status;
  return (
    `${head(call, facts)}: ${failure.code}: AWS answered ${status ? `HTTP ${status}` : 'a server error'} on all ${attempts} attempt${attempts === 1 ? '' : 's'} (${failure.message}). ` +
    'Cause: a service-side problem, or a proxy in between that fails. ' +
    `Fix: re-run the job; if it persists check the AWS Health Dashboard for ${call.region}, or raise max-attempts (now ${call.settings.maxAttempts}).`
  );
}

/** What went wrong on the wire, in words. */
function networkWhat(failure: Failure, target: string, timeoutSeconds: number): string {
  const net = failure.network;
  const code = net?.code ?? '';
  const detail = `${code ? `${code}: ` : ''}${failure.message}`;
  switch (net?.kind) {
    case 'timeout':
      return `no answer from ${target} within ${timeoutSeconds} s (${code})`;
    case 'dns':
      return `DNS lookup of ${net.hostname ?? target} failed (${code})`;
    case 'refused': {
      const at = net.address ? `${net.address}${net.port ? `:${net.port}` : ''}` : target;
      return `the connection to ${at} was refused (ECONNREFUSED)`;
    }
    case 'tls':
      return `the TLS handshake with ${target} failed (${detail})`;
    case 'unreachable':
      return `${target} is unreachable from this runner (${code})`;
    default:
      return `the connection to ${target} broke (${detail})`;
  }
}

function network(failure: Failure, facts: Facts, call: ApiCall): string {
  const { settings, service, region } = call;
  const host = hostOf(facts.endpoint);
  const attempts = attemptsOf(failure, call);
  const route = facts.route;
  const kind = route?.atProxy ? 'proxy' : (failure.network?.kind ?? 'reset');
  const proxySource = settings.httpProxy ? 'the http-proxy input' : 'HTTPS_PROXY / HTTP_PROXY';
  const overridden = facts.endpointVariable;
  const vpc =
    service === ECR_PUBLIC
      ? 'ECR Public is reached over the internet, so the runner needs egress or a proxy to it'
      : `in a VPC without internet egress use a VPC interface endpoint (com.amazonaws.${region}.${service === STS ? 'sts' : 'ecr.api'}) with private DNS enabled, or set ${service.endpointVariable} to its DNS name`;
  const causes: Record<string, string> = {
    timeout:
      'packets are dropped on the way (security group, NACL or firewall egress on port 443), the proxy does not answer, or the network is very slow',
    dns: `the runner cannot resolve the host: no DNS for it${overridden ? ` (check ${overridden} for a typo)` : ''}, or a VPC endpoint whose private DNS is off`,
    refused: `nothing listens there${overridden ? ` (check the port in ${overridden})` : ''}, or the proxy is not running`,
    tls: 'a TLS-inspecting proxy or firewall presents a certificate Node does not trust, or the endpoint does not speak TLS on that port',
    unreachable:
      'no route from this runner to the host (no internet egress, or a private subnet without NAT)',
    reset: 'a proxy or firewall closed the connection, or the endpoint is not an AWS API',
    proxy: `the proxy ${route?.proxy?.host ?? ''} itself is not reachable: it is not running, or its URL is wrong`,
  };
  const fixes: Record<string, string> = {
    timeout: `allow egress to ${hostPort(facts.endpoint)}, set the proxy (http-proxy input or HTTPS_PROXY; NO_PROXY for exceptions), or raise api-timeout-seconds (now ${settings.timeoutSeconds}) / max-attempts (now ${settings.maxAttempts})`,
    dns: 'behind a corporate proxy set the http-proxy input or HTTPS_PROXY',
    refused: 'check the endpoint and proxy settings',
    tls: `point NODE_EXTRA_CA_CERTS at your organisation's CA bundle in the job env (it is read when node starts), or correct the scheme/port of ${service.endpointVariable}`,
    unreachable: 'give the runner egress (NAT gateway) or a proxy (http-proxy input / HTTPS_PROXY)',
    reset: 'check the proxy and firewall logs for this host',
    proxy: `correct the proxy URL in ${proxySource}, or exempt ${host} with NO_PROXY`,
  };
  return (
    `${head(call, facts)}: ${networkWhat(failure, host, settings.timeoutSeconds)}, ${attempts === 1 ? 'on the only attempt' : `on all ${attempts} attempts`}; ` +
    `the request went ${route?.note ?? 'no proxy'}${overridden ? ` to the endpoint set by ${overridden}` : ''}. ` +
    `Cause: ${causes[kind]}. Fix: ${fixes[kind]}; ${vpc}.`
  );
}

function missingCredentials(failure: Failure, facts: Facts, call: ApiCall): string {
  const env = call.settings.env;
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
    `${head(call, facts)}: ${failure.code}: no AWS credentials were found (${failure.message}). Sources tried: ` +
    `environment keys (${isSet('AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY')}${skipped}); ` +
    `web identity / OIDC (${isSet('AWS_WEB_IDENTITY_TOKEN_FILE', 'AWS_ROLE_ARN')}; ${oidc}); ` +
    `profile and shared files incl. SSO and credential_process (${isSet('AWS_PROFILE')}; ${facts.credentialFiles ?? 'not checked'}); ` +
    `container credentials (${isSet('AWS_CONTAINER_CREDENTIALS_RELATIVE_URI', 'AWS_CONTAINER_CREDENTIALS_FULL_URI')}); ` +
    `EC2 instance metadata (${imds}). ` +
    `Cause: ${cause}. ` +
    `Fix: ${has('AWS_PROFILE') ? 'unset AWS_PROFILE or define that profile; otherwise ' : ''}` +
    'add aws-actions/configure-aws-credentials before this step with role-to-assume and give the job `permissions: id-token: write` (OIDC), ' +
    'or pass AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY from secrets.'
  );
}

function missingRegion(failure: Failure, call: ApiCall): string {
  return (
    `${call.action} failed: no region (${failure.message}). Checked: the \`region\` input, AWS_REGION and AWS_DEFAULT_REGION. ` +
    'Fix: set one of them, or list registries by host (which carries its region).'
  );
}

async function assumeRoleFailure(failure: Failure, cause: Failure, call: ApiCall): Promise<string> {
  const role = failure.role ?? '';
  const stsCall: ApiCall = {
    service: STS,
    action: 'sts:AssumeRole',
    region: call.region,
    fips: false,
    // The role is assumed with the step's own credentials or its profile's: ask STS who those are, not the role.
    settings: { ...call.settings, credentialsFor: undefined },
    ...(call.profile ? { profile: call.profile } : {}),
  };
  if (cause.kind !== 'access-denied') {
    return `Could not assume ${role} for ${call.action}: ${await explain(cause, stsCall)}`;
  }
  const facts = await gatherFacts(cause, stsCall);
  const principal = facts.principal ?? cause.namedPrincipal;
  const who = principal ?? 'an unknown principal (STS GetCallerIdentity did not answer)';
  const trusted = principal ? (roleArnOfSession(principal) ?? principal) : '<your role ARN>';
  const roleName = /:role\/(?:.*\/)?([^/]+)$/.exec(role)?.[1] ?? role;
  const holder = principal ? principalName(principal) : 'the caller';
  return (
    `${head(stsCall, facts)}: ${cause.code}: ${who} may not assume ${role} (registry-roles), so no token was fetched for ${call.action}. ` +
    `AWS said: ${sentence(cause.message)} ` +
    `Cause: the trust policy of role ${roleName} does not allow this principal, or ${holder} lacks sts:AssumeRole on the role. ` +
    `Fix: add to the trust policy of ${roleName} {"Effect":"Allow","Principal":{"AWS":"${trusted}"},"Action":"sts:AssumeRole"}, ` +
    `and allow sts:AssumeRole on ${role} in the policies of ${holder}.`
  );
}
