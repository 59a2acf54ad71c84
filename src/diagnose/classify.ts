// Classifies a failed AWS call: the error's shape → a typed failure kind with the details a message needs.
// Pure: no I/O, no env, no clock. Facts (who the caller is, the route, the skew) are gathered elsewhere.
import { oneLine } from './message.js';

export type FailureKind =
  | 'assume-role'
  | 'profile'
  | 'no-credentials'
  | 'no-region'
  | 'throttled'
  | 'access-denied'
  | 'expired'
  | 'clock-skew'
  | 'bad-keys'
  | 'network'
  | 'server'
  | 'proxy-auth'
  | 'other';

export type NetworkKind = 'timeout' | 'dns' | 'refused' | 'tls' | 'unreachable' | 'reset';

export interface NetworkDetail {
  kind: NetworkKind;
  /** The errno-style code (ECONNREFUSED, ENOTFOUND, …), or TimeoutError. */
  code: string;
  /** The host a DNS lookup failed for. */
  hostname?: string;
  /** Where a connection was refused. */
  address?: string;
  port?: number;
}

export interface Failure {
  kind: FailureKind;
  /** The AWS error code or the error's name. */
  code: string;
  /** The error's message on one line. */
  message: string;
  /** AWS's ID for the request ($metadata.requestId or the x-amzn-requestid header). */
  requestId?: string;
  attempts?: number;
  /** HTTP status of AWS's answer. */
  status?: number;
  /** The Date header of AWS's answer (clock skew). */
  serverDate?: string;
  /** The principal AWS named in an access-denied message. */
  namedPrincipal?: string;
  /** The action an access-denied message names; else the failed action. */
  deniedAction?: string;
  explicitDeny?: boolean;
  /** Signature did not match (bad keys) rather than an unknown key. */
  signatureMismatch?: boolean;
  network?: NetworkDetail;
  /** assume-role: the role and the failure of sts:AssumeRole itself. */
  role?: string;
  /** profile: the registry-profiles profile whose credentials could not be resolved. */
  profile?: string;
  cause?: Failure;
}

interface AwsErrorShape {
  name?: string;
  code?: string;
  message?: string;
  hostname?: string;
  address?: string;
  port?: number;
  role?: unknown;
  profile?: unknown;
  cause?: unknown;
  $fault?: string;
  $metadata?: { httpStatusCode?: number; attempts?: number; requestId?: string };
  $response?: { statusCode?: number; headers?: Record<string, string | undefined> };
}

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

export function errorCode(error: unknown): string {
  const e = error as AwsErrorShape;
  const name = e?.name && e.name !== 'Error' ? e.name : undefined;
  return name || e?.code || e?.name || 'Error';
}

function header(e: AwsErrorShape, name: string): string | undefined {
  const headers = e?.$response?.headers ?? {};
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
  return key ? headers[key] : undefined;
}

function isNetworkError(e: AwsErrorShape): boolean {
  const code = e?.code ?? '';
  if (NETWORK_CODES.has(code) || TLS_CODE.test(code)) return true;
  if (e?.name === 'TimeoutError') return true;
  if (e?.$metadata?.httpStatusCode !== undefined) return false;
  return /socket hang up|ECONNRESET|certificate|TLS|SSL/i.test(e?.message ?? '');
}

function networkDetail(e: AwsErrorShape, message: string): NetworkDetail {
  const code = e?.code ?? '';
  const at = {
    ...(e?.hostname ? { hostname: e.hostname } : {}),
    ...(e?.address ? { address: e.address } : {}),
    ...(e?.port ? { port: e.port } : {}),
  };
  if (e?.name === 'TimeoutError') return { kind: 'timeout', code: 'TimeoutError', ...at };
  if (code === 'ETIMEDOUT' || code === 'ESOCKETTIMEDOUT') return { kind: 'timeout', code, ...at };
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return { kind: 'dns', code, ...at };
  if (code === 'ECONNREFUSED') return { kind: 'refused', code, ...at };
  if (TLS_CODE.test(code) || /certificate|TLS|SSL/i.test(message)) return { kind: 'tls', code, ...at };
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH' || code === 'ENETDOWN')
    return { kind: 'unreachable', code, ...at };
  return { kind: 'reset', code, ...at };
}

function kindOf(e: AwsErrorShape, code: string, message: string): FailureKind {
  // A proxy's own answer (the SDK cannot parse it: $response keeps the status).
  if ((e?.$metadata?.httpStatusCode ?? e?.$response?.statusCode) === 407) return 'proxy-auth';
  if (code === 'CredentialsProviderError' || /Could not load credentials from any providers/i.test(message))
    return 'no-credentials';
  if (/Region is missing/i.test(message)) return 'no-region';
  if (THROTTLING.has(code)) return 'throttled';
  if (ACCESS_DENIED.has(code)) return 'access-denied';
  if (EXPIRED.has(code)) return 'expired';
  if (
    CLOCK.has(code) ||
    /Signature expired|Signature not yet current/i.test(message) ||
    (code === 'InvalidSignatureException' && /expired|skew/i.test(message))
  )
    return 'clock-skew';
  if (BAD_KEYS.has(code) || (code === 'InvalidSignatureException' && /does not match/i.test(message)))
    return 'bad-keys';
  if (isNetworkError(e)) return 'network';
  if ((e?.$metadata?.httpStatusCode ?? 0) >= 500 || e?.$fault === 'server') return 'server';
  return 'other';
}

/** An AssumeRoleError (roles.ts), recognised by shape so a copy from another bundle chunk counts too. */
function assumedRole(e: AwsErrorShape): string | undefined {
  return typeof e?.role === 'string' && e.cause !== undefined ? e.role : undefined;
}

/** A ProfileError (profiles.ts), recognised by shape like an AssumeRoleError. */
function failedProfile(e: AwsErrorShape): string | undefined {
  return typeof e?.profile === 'string' && e.cause !== undefined ? e.profile : undefined;
}

export function classify(error: unknown): Failure {
  const e = error as AwsErrorShape;
  const profile = failedProfile(e);
  if (profile !== undefined) {
    const cause = classify(e.cause);
    return { kind: 'profile', code: cause.code, message: cause.message, profile, cause };
  }
  const role = assumedRole(e);
  if (role !== undefined) {
    const cause = classify(e.cause);
    return {
      kind: 'assume-role',
      code: cause.code,
      message: cause.message,
      role,
      cause,
      ...(cause.requestId ? { requestId: cause.requestId } : {}),
    };
  }
  const code = errorCode(error);
  const message = oneLine(e?.message ?? String(error));
  const kind = kindOf(e, code, message);
  const requestId = e?.$metadata?.requestId ?? header(e, 'x-amzn-requestid');
  const failure: Failure = {
    kind,
    code,
    message,
    ...(requestId ? { requestId } : {}),
    ...(e?.$metadata?.attempts !== undefined ? { attempts: e.$metadata.attempts } : {}),
    ...(e?.$metadata?.httpStatusCode !== undefined ? { status: e.$metadata.httpStatusCode } : {}),
  };
  if (kind === 'network') failure.network = networkDetail(e, message);
  if (kind === 'clock-skew') {
    const date = header(e, 'date');
    if (date) failure.serverDate = date;
  }
  if (kind === 'access-denied') {
    const named = /\bUser: (arn:[^\s]+) is not authorized/.exec(message)?.[1];
    const denied = /not authorized to perform: ([\w-]+:[\w*]+)/.exec(message)?.[1];
    if (named) failure.namedPrincipal = named;
    if (denied) failure.deniedAction = denied;
    failure.explicitDeny = /explicit deny/i.test(message);
  }
  if (kind === 'bad-keys')
    failure.signatureMismatch = code === 'SignatureDoesNotMatch' || /does not match/i.test(message);
  return failure;
}
