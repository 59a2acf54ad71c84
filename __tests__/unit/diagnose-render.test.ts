// render: failure kind + facts → one paragraph with the cause and the fix; describeApiFailure adds AWS's
// request ID and scrubs secrets. Facts are given here, so nothing is asked of AWS.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { describeApiFailure, render } from '../../src/diagnose/api.js';
import type { Failure, FailureKind } from '../../src/diagnose/classify.js';
import type { ApiCall, Facts } from '../../src/diagnose/facts.js';
import { ECR, ECR_PUBLIC } from '../../src/ecr/aws-env.js';

const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYzRENDERKEY';
const PROXY_PASSWORD = 'pr0xy-p@ss';
const env = {
  AWS_ACCESS_KEY_ID: 'AKIARENDERTEST000001',
  AWS_SECRET_ACCESS_KEY: SECRET,
  HTTPS_PROXY: `http://me:${PROXY_PASSWORD}@proxy.example:3128`,
};
const call: ApiCall = {
  service: ECR,
  action: 'ecr:GetAuthorizationToken',
  region: 'eu-west-1',
  fips: false,
  settings: { maxAttempts: 3, timeoutSeconds: 10, env },
};
const facts: Facts = {
  endpoint: 'https://api.ecr.eu-west-1.amazonaws.com',
  now: Date.parse('2025-01-01T00:00:00Z'),
};

function failure(kind: FailureKind, over: Partial<Failure> = {}): Failure {
  return { kind, code: 'Code', message: 'AWS words', ...over };
}

describe('render: kind + facts → cause and fix', () => {
  it.each<[FailureKind, Partial<Failure>, Partial<Facts>, string[]]>([
    [
      'throttled',
      { attempts: 3 },
      {},
      ['throttled the call on all 3 attempts', 'Cause: too many calls', 'Fix: raise max-attempts (now 3'],
    ],
    [
      'access-denied',
      {},
      { principal: 'arn:aws:sts::1:assumed-role/ci/s' },
      [
        'was denied for arn:aws:sts::1:assumed-role/ci/s',
        'Cause: no policy of role ci',
        'Fix: attach to role ci',
      ],
    ],
    [
      'access-denied',
      { namedPrincipal: 'arn:aws:iam::1:user/bob' },
      {},
      ['denied for arn:aws:iam::1:user/bob', 'user bob'],
    ],
    ['access-denied', {}, {}, ['an unknown principal (STS GetCallerIdentity did not answer)']],
    ['expired', {}, {}, ["the job's AWS session has expired", 'Fix: run configure-aws-credentials again']],
    [
      'bad-keys',
      { signatureMismatch: true },
      {},
      ['the secret key does not belong to the access key', 'AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY'],
    ],
    [
      'clock-skew',
      { serverDate: 'Wed, 01 Jan 2025 00:10:00 GMT' },
      { skewSeconds: 600 },
      ['clock is 600 s behind AWS', "Fix: synchronise the runner's clock"],
    ],
    ['clock-skew', {}, {}, ['the response carried no Date header']],
    [
      'no-credentials',
      {},
      { credentialFiles: '~/.aws/credentials: not found' },
      ['Sources tried', '~/.aws/credentials: not found', 'Fix:'],
    ],
    ['no-region', {}, {}, ['no region', 'AWS_REGION and AWS_DEFAULT_REGION']],
    [
      'server',
      { status: 503, attempts: 2 },
      {},
      ['AWS answered HTTP 503 on all 2 attempts', 'AWS Health Dashboard for eu-west-1'],
    ],
    [
      'network',
      { network: { kind: 'refused', code: 'ECONNREFUSED', address: '10.0.0.1', port: 3128 } },
      {
        route: {
          note: 'through the proxy proxy.example:3128 (from HTTPS_PROXY)',
          proxy: new URL('http://proxy.example:3128'),
          atProxy: true,
        },
      },
      [
        'the connection to 10.0.0.1:3128 was refused',
        'the proxy proxy.example:3128 itself is not reachable',
        'exempt api.ecr.eu-west-1.amazonaws.com with NO_PROXY',
        'com.amazonaws.eu-west-1.ecr.api',
      ],
    ],
    [
      'network',
      { network: { kind: 'dns', code: 'ENOTFOUND', hostname: 'x.invalid' } },
      {
        endpointVariable: 'AWS_ENDPOINT_URL_ECR',
        route: { note: 'directly (no proxy configured)', atProxy: false },
      },
      [
        'DNS lookup of x.invalid failed (ENOTFOUND)',
        'check AWS_ENDPOINT_URL_ECR for a typo',
        'to the endpoint set by AWS_ENDPOINT_URL_ECR',
      ],
    ],
    [
      'other',
      { code: 'ValidationException', message: 'bad' },
      {},
      [
        'ecr:GetAuthorizationToken failed in eu-west-1 (https://api.ecr.eu-west-1.amazonaws.com): ValidationException: bad',
      ],
    ],
  ])('%s %j', (kind, over, moreFacts, expected) => {
    const text = render(failure(kind, over), { ...facts, ...moreFacts }, call);
    for (const piece of expected) expect(text).toContain(piece);
  });

  it('ECR Public: the policy names both actions, and the network hint says it is reached over the internet', () => {
    const publicCall = { ...call, service: ECR_PUBLIC, action: 'ecr-public:GetAuthorizationToken' };
    expect(render(failure('access-denied'), facts, publicCall)).toContain(
      'ecr-public:GetAuthorizationToken and sts:GetServiceBearerToken must both be allowed',
    );
    const net = failure('network', { network: { kind: 'timeout', code: 'TimeoutError' } });
    expect(render(net, { ...facts, route: { note: 'directly', atProxy: false } }, publicCall)).toContain(
      'ECR Public is reached over the internet',
    );
  });
});

describe('describeApiFailure: request ID, one line, no secrets', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('ends with the request ID and scrubs secret values and proxy passwords', async () => {
    const error = Object.assign(new Error(`Rate exceeded for key ${SECRET} via ${env.HTTPS_PROXY}`), {
      name: 'ThrottlingException',
      $metadata: { requestId: 'c0ffee00-1111-2222-3333-444455556666', attempts: 3 },
    });
    const text = await describeApiFailure(error, call);
    expect(text).toContain('ThrottlingException: AWS throttled the call on all 3 attempts');
    expect(text).toContain('Cause:');
    expect(text).toContain('Fix:');
    expect(text.endsWith(' AWS request ID: c0ffee00-1111-2222-3333-444455556666.')).toBe(true);
    expect(text).not.toContain('\n');
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain('p@ss');
    expect(text).not.toContain('ss@proxy');
  });

  it('sends the raw error and its stack to the debug log, scrubbed', async () => {
    const written: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      written.push(String(chunk));
      return true;
    });
    const error = Object.assign(new Error(`boom ${SECRET}`), { name: 'ValidationException' });
    await describeApiFailure(error, call);
    const debug = written.filter((line) => line.startsWith('::debug::')).join('');
    expect(debug).toContain('ecr:GetAuthorizationToken in eu-west-1 failed: ValidationException: boom ***');
    expect(debug).toContain('diagnose-render.test.ts');
    expect(debug).not.toContain(SECRET);
  });

  it('no request ID, no request-ID sentence', async () => {
    const text = await describeApiFailure(new Error('Region is missing'), call);
    expect(text).not.toContain('request ID');
  });
});
