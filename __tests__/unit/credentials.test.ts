import { afterEach, describe, expect, it, vi } from 'vitest';
import type { DockerCredential } from '../../src/action/types.js';
import {
  type AuthorizationData,
  credentialsFor,
  decodeToken,
  endpointHost,
  orderCredentials,
} from '../../src/ecr/credentials.js';
import { parseRegistryList, type Registry } from '../../src/ecr/registry.js';
import { planTokenRequests, type TokenRequest } from '../../src/ecr/token-plan.js';

const A = '111111111111';
const B = '222222222222';
const C = '333333333333';
const b64 = (s: string) => Buffer.from(s).toString('base64');
const EXPIRES = new Date('2030-01-01T12:00:00Z');

function entry(account: string, region: string, password: string, endpoint?: string): AuthorizationData {
  return {
    authorizationToken: b64(`AWS:${password}`),
    expiresAt: EXPIRES,
    proxyEndpoint: endpoint ?? `https://${account}.dkr.ecr.${region}.amazonaws.com`,
  };
}

/** Parses `text` and plans its token requests (all must be valid). */
function plan(text: string, region = 'us-east-1'): { registries: Registry[]; requests: TokenRequest[] } {
  const parsed = parseRegistryList(text, region);
  expect(parsed.problems).toEqual([]);
  return { registries: parsed.registries, requests: planTokenRequests(parsed.registries) };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('decodeToken', () => {
  it('masks the raw token first, then the password, and never the user name', () => {
    const masks: string[] = [];
    const token = b64('AWS:pass:with:colons');
    const out = decodeToken(token, true, (s) => masks.push(s));
    expect(out).toEqual({ username: 'AWS', password: 'pass:with:colons', token });
    expect(masks).toEqual([token, 'pass:with:colons']);
  });

  it('masks only the token with mask-password false', () => {
    const masks: string[] = [];
    const token = b64('AWS:pw');
    expect(decodeToken(token, false, (s) => masks.push(s)).password).toBe('pw');
    expect(masks).toEqual([token]);
  });

  it.each([
    ['no colon', b64('AWSnopassword')],
    ['an empty user', b64(':password-only')],
    ['an empty password', b64('AWS:')],
    ['nothing', b64('')],
  ])('refuses a token with %s without quoting it (after masking it)', (_, token) => {
    const masks: string[] = [];
    let message = '';
    try {
      decodeToken(token, true, (s) => masks.push(s));
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toBe('the authorization token is not base64("user:password")');
    expect(masks).toEqual([token]);
  });
});

describe('endpointHost', () => {
  it.each<[string, string, 'http' | 'https']>([
    [`https://${A}.dkr.ecr.us-east-1.amazonaws.com`, `${A}.dkr.ecr.us-east-1.amazonaws.com`, 'https'],
    [`HTTPS://${A}.DKR.ECR.US-EAST-1.AMAZONAWS.COM/`, `${A}.dkr.ecr.us-east-1.amazonaws.com`, 'https'],
    // Plain http is honoured only for loopback stand-ins.
    [`http://${A}.dkr.ecr.us-east-1.amazonaws.com`, `${A}.dkr.ecr.us-east-1.amazonaws.com`, 'https'],
    ['http://127.0.0.1:5001', '127.0.0.1:5001', 'http'],
    ['http://127.1.2.3', '127.1.2.3', 'http'],
    ['http://localhost:5000/', 'localhost:5000', 'http'],
    ['http://[::1]:5000', '[::1]:5000', 'http'],
    ['https://127.0.0.1:5001', '127.0.0.1:5001', 'https'],
    ['http://127.0.0.1.evil.example', '127.0.0.1.evil.example', 'https'],
    ['http://localhost.evil.example:80', 'localhost.evil.example:80', 'https'],
    ['http://10.0.0.1:5000', '10.0.0.1:5000', 'https'],
  ])('%s → %s over %s', (endpoint, host, scheme) => {
    expect(endpointHost(endpoint)).toEqual({ host, scheme });
  });

  it.each([
    '',
    'ftp://x.example',
    'https://',
    `https://${A}.dkr.ecr.us-east-1.amazonaws.com/v2/`,
    'x.example',
  ])('refuses %j', (endpoint) => {
    expect(() => endpointHost(endpoint)).toThrow(`unexpected proxyEndpoint ${JSON.stringify(endpoint)}`);
  });
});

describe('credentialsFor', () => {
  it('matches answers to accounts by the account in the proxyEndpoint host, whatever their order', () => {
    const { registries, requests } = plan(`${A}, ${B}.dkr.ecr.us-east-1.amazonaws.com, ${C}`);
    const request = requests[0] as TokenRequest;
    const masks: string[] = [];
    const creds = credentialsFor(
      request,
      [entry(C, 'us-east-1', 'pw-c'), entry(A, 'us-east-1', 'pw-a'), entry(B, 'us-east-1', 'pw-b')],
      (r) => registries.indexOf(r),
      true,
      (s) => masks.push(s),
    );
    expect(creds).toEqual<DockerCredential[]>([
      {
        host: `${A}.dkr.ecr.us-east-1.amazonaws.com`,
        scheme: 'https',
        username: 'AWS',
        password: 'pw-a',
        auth: b64(`AWS:${'pw-a'}`),
        expiresAt: EXPIRES,
        kind: 'private',
        account: A,
        region: 'us-east-1',
        registry: `${A}.dkr.ecr.us-east-1.amazonaws.com`,
        order: 0,
      },
      {
        host: `${B}.dkr.ecr.us-east-1.amazonaws.com`,
        scheme: 'https',
        username: 'AWS',
        password: 'pw-b',
        auth: b64(`AWS:${'pw-b'}`),
        expiresAt: EXPIRES,
        kind: 'private',
        account: B,
        region: 'us-east-1',
        registry: `${B}.dkr.ecr.us-east-1.amazonaws.com`,
        order: 1,
      },
      {
        host: `${C}.dkr.ecr.us-east-1.amazonaws.com`,
        scheme: 'https',
        username: 'AWS',
        password: 'pw-c',
        auth: b64(`AWS:${'pw-c'}`),
        expiresAt: EXPIRES,
        kind: 'private',
        account: C,
        region: 'us-east-1',
        registry: `${C}.dkr.ecr.us-east-1.amazonaws.com`,
        order: 2,
      },
    ]);
    // Every token and password masked, token before its password, in answer order.
    expect(masks).toEqual([b64('AWS:pw-c'), 'pw-c', b64('AWS:pw-a'), 'pw-a', b64('AWS:pw-b'), 'pw-b']);
  });

  it('matches by position when no endpoint names an account (a loopback stand-in), keeping http for it', () => {
    const { registries, requests } = plan(`${A}, ${B}`);
    const creds = credentialsFor(
      requests[0] as TokenRequest,
      [entry(A, 'x', 'pw-1', 'http://127.0.0.1:5001'), entry(B, 'x', 'pw-2', 'http://127.0.0.1:5002/')],
      (r) => registries.indexOf(r),
      true,
      () => {},
    );
    expect(creds.map((c) => [c.account, c.host, c.scheme, c.password])).toEqual([
      [A, '127.0.0.1:5001', 'http', 'pw-1'],
      [B, '127.0.0.1:5002', 'http', 'pw-2'],
    ]);
  });

  it('fails naming the account when an answer is missing and positions do not line up', () => {
    const { registries, requests } = plan(`${A}, ${B}`);
    expect(() =>
      credentialsFor(
        requests[0] as TokenRequest,
        [entry(A, 'us-east-1', 'pw-a')],
        (r) => registries.indexOf(r),
        true,
        () => {},
      ),
    ).toThrow(`no authorization data was returned for account ${B}`);
  });

  it('keeps a FIPS or dual-stack host the user named, and uses the API’s host for the others', () => {
    const fips = `${A}.dkr.ecr-fips.us-east-1.amazonaws.com`;
    const dual = `${B}.dkr-ecr.us-east-1.on.aws`;
    const std = `${B}.dkr.ecr.us-east-1.amazonaws.com`;
    const { registries, requests } = plan(`${fips}, ${dual}, ${std}, ${A}`);
    const order = (r: Registry) => registries.indexOf(r);
    const fipsRequest = requests.find((r) => r.kind === 'private' && r.fips) as TokenRequest;
    const stdRequest = requests.find((r) => r.kind === 'private' && !r.fips) as TokenRequest;
    const fipsCreds = credentialsFor(fipsRequest, [entry(A, 'us-east-1', 'pw-fips')], order, true, () => {});
    const stdCreds = credentialsFor(
      stdRequest,
      [entry(B, 'us-east-1', 'pw-b'), entry(A, 'us-east-1', 'pw-a')],
      order,
      true,
      () => {},
    );
    expect(fipsCreds.map((c) => [c.host, c.scheme, c.password, c.order])).toEqual([
      [fips, 'https', 'pw-fips', 0],
    ]);
    expect(stdCreds.map((c) => [c.host, c.password, c.order])).toEqual([
      [dual, 'pw-b', 1],
      [std, 'pw-b', 2],
      [`${A}.dkr.ecr.us-east-1.amazonaws.com`, 'pw-a', 3],
    ]);
  });

  it('gives every listed public host the one ECR Public token', () => {
    const { registries, requests } = plan('ecr-public.aws.com, public.ecr.aws/alias/app:1');
    expect(requests).toHaveLength(1);
    const creds = credentialsFor(
      requests[0] as TokenRequest,
      [{ authorizationToken: b64('AWS:pub-pw'), expiresAt: EXPIRES }],
      (r) => registries.indexOf(r),
      true,
      () => {},
    );
    expect(creds).toEqual<DockerCredential[]>([
      {
        host: 'ecr-public.aws.com',
        scheme: 'https',
        username: 'AWS',
        password: 'pub-pw',
        auth: b64(`AWS:${'pub-pw'}`),
        expiresAt: EXPIRES,
        kind: 'public',
        region: 'us-east-1',
        order: 0,
      },
      {
        host: 'public.ecr.aws',
        scheme: 'https',
        username: 'AWS',
        password: 'pub-pw',
        auth: b64(`AWS:${'pub-pw'}`),
        expiresAt: EXPIRES,
        kind: 'public',
        region: 'us-east-1',
        order: 1,
      },
    ]);
  });

  it('fails when ECR Public answers with no data', () => {
    const { requests } = plan('public.ecr.aws');
    expect(() =>
      credentialsFor(
        requests[0] as TokenRequest,
        [],
        () => 0,
        true,
        () => {},
      ),
    ).toThrow('ECR Public returned no authorization data');
  });

  it('takes whatever the API answered for the default registry', () => {
    const request: TokenRequest = {
      kind: 'private',
      partition: 'aws',
      region: 'eu-west-1',
      fips: false,
      registryIds: [],
      registries: [],
    };
    const creds = credentialsFor(
      request,
      [entry(C, 'eu-west-1', 'pw-default')],
      () => 99,
      true,
      () => {},
    );
    expect(creds).toEqual<DockerCredential[]>([
      {
        host: `${C}.dkr.ecr.eu-west-1.amazonaws.com`,
        scheme: 'https',
        username: 'AWS',
        password: 'pw-default',
        auth: b64(`AWS:${'pw-default'}`),
        expiresAt: EXPIRES,
        kind: 'private',
        account: C,
        region: 'eu-west-1',
        order: 0,
      },
    ]);
  });

  it('carries the role, and assumes 12 hours when the answer has no expiry', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2030-06-01T00:00:00Z'));
    const { registries, requests } = plan(A);
    const request = { ...(requests[0] as TokenRequest), role: 'arn:aws:iam::111111111111:role/pull' };
    const [cred] = credentialsFor(
      request,
      [{ authorizationToken: b64('AWS:pw'), proxyEndpoint: `https://${A}.dkr.ecr.us-east-1.amazonaws.com` }],
      (r) => registries.indexOf(r),
      true,
      () => {},
    );
    expect(cred?.role).toBe('arn:aws:iam::111111111111:role/pull');
    expect(cred?.expiresAt.toISOString()).toBe('2030-06-01T12:00:00.000Z');
  });

  it('fails on an answer without a token', () => {
    const { requests } = plan(A);
    expect(() =>
      credentialsFor(
        requests[0] as TokenRequest,
        [{ proxyEndpoint: 'https://x' }],
        () => 0,
        true,
        () => {},
      ),
    ).toThrow('the answer has no authorizationToken');
  });
});

describe('orderCredentials', () => {
  const cred = (host: string, order: number, password: string): DockerCredential => ({
    host,
    scheme: 'https',
    username: 'AWS',
    password,
    auth: b64(`AWS:${password}`),
    expiresAt: EXPIRES,
    kind: 'private',
    region: 'us-east-1',
    order,
  });

  it('sorts by input position and keeps the first credential of each host', () => {
    const all = [
      cred('b', 1, 'b1'),
      cred('a', 0, 'a0'),
      cred('c', 3, 'c3'),
      cred('b', 2, 'b2'),
      cred('a', 4, 'a4'),
    ];
    const copy = [...all];
    expect(orderCredentials(all).map((c) => [c.host, c.password])).toEqual([
      ['a', 'a0'],
      ['b', 'b1'],
      ['c', 'c3'],
    ]);
    expect(all).toEqual(copy);
  });

  it('is empty for nothing', () => {
    expect(orderCredentials([])).toEqual([]);
  });
});
