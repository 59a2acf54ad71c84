import { describe, expect, it } from 'vitest';
import type { AuthorizationData } from '../../src/ecr/credentials.js';
import { MAX_TOKEN_CHARS, validateAuthorizationData } from '../../src/ecr/token-answer.js';
import type { TokenRequest } from '../../src/ecr/token-plan.js';

const NOW = Date.parse('2026-12-01T12:00:00Z');
const b64 = (s: string) => Buffer.from(s).toString('base64');
const SECRET = 'pw-Zq9-secret-value';
const good = (over: Partial<AuthorizationData> = {}): AuthorizationData => ({
  authorizationToken: b64(`AWS:${SECRET}`),
  expiresAt: new Date(NOW + 12 * 3600_000),
  proxyEndpoint: 'https://111111111111.dkr.ecr.us-east-1.amazonaws.com',
  ...over,
});
const own: TokenRequest = {
  kind: 'private',
  partition: 'aws',
  region: 'us-east-1',
  fips: false,
  registryIds: [],
  registries: [],
};
const accounts: TokenRequest = { ...own, registryIds: ['111111111111', '222222222222'] };
const pub: TokenRequest = { kind: 'public', region: 'us-east-1', registries: [] };

const problemOf = (data: AuthorizationData[], request: TokenRequest = own) => {
  const checked = validateAuthorizationData(data, request, NOW);
  return 'problem' in checked ? checked.problem : undefined;
};

describe('validateAuthorizationData', () => {
  it('passes a real-shaped answer through unchanged', () => {
    const data = [good()];
    expect(validateAuthorizationData(data, own, NOW)).toEqual({ ok: data });
    expect(problemOf([good({ proxyEndpoint: 'http://127.0.0.1:5001' })])).toBeUndefined();
    expect(problemOf([good({ proxyEndpoint: 'https://localhost:5000/' })])).toBeUndefined();
    expect(problemOf([good({ expiresAt: undefined })])).toBeUndefined();
    // A real-sized token: ~3,200 characters of password.
    expect(problemOf([good({ authorizationToken: b64(`AWS:${'x'.repeat(3200)}`) })])).toBeUndefined();
  });

  it('an empty answer for the default registry names its region', () => {
    expect(problemOf([])).toBe(
      'GetAuthorizationToken for the default registry in us-east-1 answered no authorization data',
    );
  });

  it.each<[string, Partial<AuthorizationData>, RegExp]>([
    ['a missing token', { authorizationToken: undefined }, /authorizationToken: it is missing/],
    ['a huge token', { authorizationToken: 'A'.repeat(8 << 20) }, /longer than 16384 characters/],
    ['a token that is not base64', { authorizationToken: `${b64(`AWS:${SECRET}`)}\n::x::` }, /not base64/],
    ['no colon', { authorizationToken: b64(SECRET) }, /not decode to "user:password"/],
    ['an empty user', { authorizationToken: b64(`:${SECRET}`) }, /"user:password"/],
    ['an empty password', { authorizationToken: b64('AWS:') }, /empty password/],
    ['a newline in the password', { authorizationToken: b64(`AWS:${SECRET}\n::add-mask::x`) }, /control/],
    ['an expiry in the past', { expiresAt: new Date(NOW - 1000) }, /expiresAt: it is in the past/],
    ['an expiry years ahead', { expiresAt: new Date(NOW + 400 * 86_400_000) }, /more than a day ahead/],
    ['an invalid date', { expiresAt: new Date(Number.NaN) }, /expiresAt: it is not a time/],
    ['no endpoint', { proxyEndpoint: undefined }, /proxyEndpoint: it is missing/],
    [
      'an endpoint with a newline',
      { proxyEndpoint: 'https://evil\n::set-output name=x::1' },
      /whitespace or a control/,
    ],
    [
      'an endpoint with userinfo',
      { proxyEndpoint: `https://u:${SECRET}@host.example` },
      /user name or password/,
    ],
    ['an endpoint with a path', { proxyEndpoint: 'https://host.example/v2/x' }, /without a path/],
    ['an endpoint with a query', { proxyEndpoint: 'https://host.example?x=1' }, /without a path/],
    ['another scheme', { proxyEndpoint: 'file:///etc/passwd' }, /http\(s\) URL/],
    ['a host with odd characters', { proxyEndpoint: 'https://ho_st"x.example' }, /plain host name/],
    ['an escape sequence', { proxyEndpoint: 'https://a\u001b[31m.example' }, /control/],
  ])('refuses %s, naming the registry and field, never the value', (_, over, expected) => {
    const problem = problemOf([good(over)]) ?? '';
    expect(problem).toMatch(
      /^GetAuthorizationToken for the default registry in us-east-1 answered an unusable /,
    );
    expect(problem).toMatch(expected);
    expect(problem).not.toContain(SECRET);
    expect(problem).not.toMatch(/\p{Cc}|::/u);
    expect(problem.length).toBeLessThan(300);
  });

  it('names the accounts and the entry for a multi-account request', () => {
    expect(problemOf([good(), good({ authorizationToken: b64('AWS:') })], accounts)).toBe(
      'GetAuthorizationToken for accounts 111111111111, 222222222222 in us-east-1 answered an unusable ' +
        'authorizationToken (entry 2 of 2): it has an empty password',
    );
  });

  it('ECR Public answers carry no proxyEndpoint', () => {
    expect(problemOf([good({ proxyEndpoint: undefined })], pub)).toBeUndefined();
    expect(problemOf([], pub)).toBe(
      'GetAuthorizationToken for ECR Public (us-east-1) answered no authorization data',
    );
  });

  it('the limit is far above a real token and far below a hostile one', () => {
    expect(MAX_TOKEN_CHARS).toBeGreaterThan(3 * b64(`AWS:${'x'.repeat(3200)}`).length);
  });
});
