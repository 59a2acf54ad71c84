// classify: the error's shape → a typed failure kind, without I/O. Shapes as the SDK and Node raise them.
import { describe, expect, it } from 'vitest';
import { classify, type Failure } from '../../src/diagnose/classify.js';

function awsError(name: string, message: string, extra: Record<string, unknown> = {}) {
  return Object.assign(new Error(message), { name, $fault: 'client', $metadata: {}, ...extra });
}

function nodeError(code: string, message: string, extra: Record<string, unknown> = {}) {
  return Object.assign(new Error(message), { code, ...extra });
}

describe('classify: error shape → kind', () => {
  it.each<[string, unknown, Partial<Failure>]>([
    [
      'no credentials',
      awsError('CredentialsProviderError', 'Could not load credentials from any providers'),
      { kind: 'no-credentials' },
    ],
    ['no region', new Error('Region is missing'), { kind: 'no-region', code: 'Error' }],
    ['throttling', awsError('ThrottlingException', 'Rate exceeded'), { kind: 'throttled' }],
    ['STS throttling', awsError('Throttling', 'Rate exceeded'), { kind: 'throttled' }],
    [
      'access denied, principal named',
      awsError(
        'AccessDeniedException',
        'User: arn:aws:sts::1:assumed-role/ci/s is not authorized to perform: ecr:GetAuthorizationToken on resource: *',
      ),
      {
        kind: 'access-denied',
        namedPrincipal: 'arn:aws:sts::1:assumed-role/ci/s',
        deniedAction: 'ecr:GetAuthorizationToken',
        explicitDeny: false,
      },
    ],
    [
      'explicit deny',
      awsError('AccessDenied', 'not authorized to perform: sts:GetServiceBearerToken with an explicit deny'),
      { kind: 'access-denied', deniedAction: 'sts:GetServiceBearerToken', explicitDeny: true },
    ],
    ['expired session', awsError('ExpiredTokenException', 'expired'), { kind: 'expired' }],
    ['STS expired session', awsError('ExpiredToken', 'expired'), { kind: 'expired' }],
    [
      'signature expired (clock)',
      awsError('InvalidSignatureException', 'Signature expired: 20250101T000000Z is now earlier than …', {
        $response: { statusCode: 400, headers: { Date: 'Wed, 01 Jan 2025 00:10:00 GMT' } },
      }),
      { kind: 'clock-skew', serverDate: 'Wed, 01 Jan 2025 00:10:00 GMT' },
    ],
    ['RequestTimeTooSkewed', awsError('RequestTimeTooSkewed', 'skewed'), { kind: 'clock-skew' }],
    [
      'unknown key',
      awsError('UnrecognizedClientException', 'The security token included in the request is invalid.'),
      { kind: 'bad-keys', signatureMismatch: false },
    ],
    [
      'secret key mismatch',
      awsError('InvalidSignatureException', 'The request signature we calculated does not match'),
      { kind: 'bad-keys', signatureMismatch: true },
    ],
    [
      'refused',
      nodeError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:9', { address: '127.0.0.1', port: 9 }),
      { kind: 'network', network: { kind: 'refused', code: 'ECONNREFUSED', address: '127.0.0.1', port: 9 } },
    ],
    [
      'DNS',
      nodeError('ENOTFOUND', 'getaddrinfo ENOTFOUND x.invalid', { hostname: 'x.invalid' }),
      { kind: 'network', network: { kind: 'dns', code: 'ENOTFOUND', hostname: 'x.invalid' } },
    ],
    [
      'SDK timeout',
      Object.assign(new Error('exceeded the configured 1000 ms requestTimeout'), { name: 'TimeoutError' }),
      { kind: 'network', network: { kind: 'timeout', code: 'TimeoutError' } },
    ],
    [
      'TLS',
      nodeError('EPROTO', 'SSL routines:ssl3_get_record:wrong version number'),
      { kind: 'network', network: { kind: 'tls', code: 'EPROTO' } },
    ],
    [
      'unreachable',
      nodeError('ENETUNREACH', 'connect ENETUNREACH'),
      { kind: 'network', network: { kind: 'unreachable', code: 'ENETUNREACH' } },
    ],
    [
      'socket hang up',
      new Error('socket hang up'),
      { kind: 'network', network: { kind: 'reset', code: '' } },
    ],
    [
      '500 after every attempt',
      awsError('ServerException', 'Internal error', {
        $fault: 'server',
        $metadata: { httpStatusCode: 500, attempts: 3 },
      }),
      { kind: 'server', status: 500, attempts: 3 },
    ],
    ['anything else', awsError('ValidationException', 'bad'), { kind: 'other', code: 'ValidationException' }],
    ['not even an Error', 'a string', { kind: 'other', code: 'Error', message: 'a string' }],
  ])('%s', (_label, error, expected) => {
    expect(classify(error)).toMatchObject(expected);
  });

  it('reads the request ID from $metadata, else from the x-amzn-requestid header', () => {
    expect(classify(awsError('AccessDenied', 'no', { $metadata: { requestId: 'req-1' } })).requestId).toBe(
      'req-1',
    );
    const fromHeader = awsError('AccessDenied', 'no', {
      $response: { statusCode: 403, headers: { 'X-Amzn-RequestId': 'req-2' } },
    });
    expect(classify(fromHeader).requestId).toBe('req-2');
    expect('requestId' in classify(new Error('x'))).toBe(false);
  });

  it('an AssumeRole failure carries the role and the classified STS failure, request ID included', () => {
    const sts = awsError('AccessDenied', 'not authorized to perform: sts:AssumeRole', {
      $metadata: { requestId: 'req-3' },
    });
    const failure = classify(
      Object.assign(new Error('could not assume'), { role: 'arn:aws:iam::2:role/r', cause: sts }),
    );
    expect(failure).toMatchObject({
      kind: 'assume-role',
      role: 'arn:aws:iam::2:role/r',
      requestId: 'req-3',
      cause: { kind: 'access-denied', deniedAction: 'sts:AssumeRole' },
    });
  });

  it('a profile failure carries the profile and the classified SDK failure', () => {
    const sdk = awsError('CredentialsProviderError', 'Could not resolve credentials using profile: [ci-b]');
    const failure = classify(Object.assign(new Error('profile ci-b'), { profile: 'ci-b', cause: sdk }));
    expect(failure).toMatchObject({
      kind: 'profile',
      profile: 'ci-b',
      code: 'CredentialsProviderError',
      cause: { kind: 'no-credentials' },
    });
  });

  it('keeps the message on one line', () => {
    expect(classify(new Error('line one\n  line two')).message).toBe('line one line two');
  });
});
