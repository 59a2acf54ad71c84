// Checks a GetAuthorizationToken answer before anything reads it: nothing from a hostile or broken API
// answer reaches a mask line, a log line, an output, a config key or the summary. Pure; a problem names
// the registry and the field, never the value.
import type { AuthorizationData } from './credentials.js';
import type { TokenRequest } from './token-plan.js';

/**
 * Real ECR tokens are base64("AWS:" + a ~3,200-character password), about 4,300 characters; ECR Public's are
 * shorter. 16 KiB leaves room for growth while keeping a hostile answer (an 8 MB token would become
 * megabytes of `::add-mask::` lines and config text) out of the log.
 */
export const MAX_TOKEN_CHARS = 16 * 1024;
/** ECR tokens live 12 hours; anything past a day (plus clock skew) is not an ECR answer. */
export const MAX_TOKEN_LIFETIME_MS = 24 * 3600_000 + 5 * 60_000;

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const LABEL = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?';
const PLAIN_HOST = new RegExp(`^${LABEL}(?:\\.${LABEL})*(?::\\d{1,5})?$`, 'i');
const CONTROL = /[\p{Cc}\u2028\u2029]/u;

export type AnswerCheck = { ok: AuthorizationData[] } | { problem: string };

/** Which registry an answer is for, as a problem names it. */
function whose(request: TokenRequest): string {
  if (request.kind === 'public') return `ECR Public (${request.region})`;
  if (request.registryIds.length === 0) return `the default registry in ${request.region}`;
  return `account${request.registryIds.length > 1 ? 's' : ''} ${request.registryIds.join(', ')} in ${request.region}`;
}

/** Why a proxyEndpoint is not an http(s) URL of a plain host name, or undefined when it is. */
export function endpointProblem(value: unknown): string | undefined {
  if (typeof value !== 'string' || value === '') return 'is missing';
  if (value.length > 300) return 'is too long for a registry URL';
  if (CONTROL.test(value) || /\s/.test(value)) return 'holds whitespace or a control character';
  const m = /^(https?):\/\/([^/?#]*)\/?$/i.exec(value);
  if (!m) return 'is not an http(s) URL without a path';
  const authority = m[2] ?? '';
  if (authority.includes('@')) return 'holds a user name or password';
  if (!PLAIN_HOST.test(authority)) return 'does not name a plain host name';
  return undefined;
}

/** Why a token is not a usable base64("user:password"), or undefined when it is. */
export function tokenProblem(value: unknown): string | undefined {
  if (typeof value !== 'string' || value === '') return 'is missing';
  if (value.length > MAX_TOKEN_CHARS) return `is longer than ${MAX_TOKEN_CHARS} characters`;
  if (!BASE64.test(value)) return 'is not base64';
  const decoded = Buffer.from(value, 'base64').toString('utf8');
  if (decoded.includes('\ufffd')) return 'does not decode to UTF-8 text';
  const colon = decoded.indexOf(':');
  if (colon <= 0) return 'does not decode to "user:password"';
  if (colon === decoded.length - 1) return 'has an empty password';
  if (CONTROL.test(decoded)) return 'holds a control character';
  return undefined;
}

/** Why an expiry is not a time within the next day, or undefined when it is (or is absent: 12 h is assumed). */
export function expiryProblem(value: unknown, now: number): string | undefined {
  if (value === undefined) return undefined;
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) return 'is not a time';
  if (value.getTime() <= now) return 'is in the past';
  if (value.getTime() - now > MAX_TOKEN_LIFETIME_MS) return 'is more than a day ahead';
  return undefined;
}

/**
 * The answer's entries when every one is usable, else one problem for the request's registries. An empty
 * answer for the caller's own registry is a problem too: the step would otherwise succeed with nothing
 * logged in. (The caller adds the principal, which only STS knows.)
 */
export function validateAuthorizationData(
  data: readonly AuthorizationData[],
  request: TokenRequest,
  now: number = Date.now(),
): AnswerCheck {
  const who = whose(request);
  if (data.length === 0)
    return { problem: `GetAuthorizationToken for ${who} answered no authorization data` };
  for (const [i, d] of data.entries()) {
    const entry = data.length > 1 ? ` (entry ${i + 1} of ${data.length})` : '';
    const field = (name: string, problem: string | undefined) =>
      problem && `GetAuthorizationToken for ${who} answered an unusable ${name}${entry}: it ${problem}`;
    const problem =
      field('authorizationToken', tokenProblem(d.authorizationToken)) ??
      field('expiresAt', expiryProblem(d.expiresAt, now)) ??
      (request.kind === 'private' ? field('proxyEndpoint', endpointProblem(d.proxyEndpoint)) : undefined);
    if (problem) return { problem };
  }
  return { ok: [...data] };
}
