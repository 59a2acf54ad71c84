// The pure parts of the diagnosis: notes built from the environment, clock skew, names, scrubbing, and a
// login failure only AWS can produce (hand-made). The diagnoses of real failures are in
// __tests__/integration/diagnose.test.ts.
import { describe, expect, it } from 'vitest';
import { credentialVariablesNote } from '../../src/diagnose/api.js';
import { clockSkewSeconds } from '../../src/diagnose/facts.js';
import { describeLoginFailure } from '../../src/diagnose/login.js';
import { proxyNote, scrub } from '../../src/diagnose/message.js';
import { principalName, roleArnOfSession } from '../../src/ecr/identity.js';

const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY';
const PROXY_PASSWORD = 'pr0xy-Pa55word';

describe('notes and names', () => {
  it('credentialVariablesNote spots long-term keys with a stray session token and half-set pairs', () => {
    expect(
      credentialVariablesNote({
        AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE',
        AWS_SESSION_TOKEN: 'x',
        AWS_SECRET_ACCESS_KEY: 'y',
      }),
    ).toContain('long-term one (AKIA…) yet an AWS_SESSION_TOKEN is set');
    expect(credentialVariablesNote({ AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE' })).toContain(
      'AWS_ACCESS_KEY_ID is set without AWS_SECRET_ACCESS_KEY',
    );
    expect(credentialVariablesNote({})).toBe('AWS credential variables set in this step: none');
  });

  it('clockSkewSeconds', () => {
    const now = Date.parse('2025-01-01T00:00:00Z');
    expect(clockSkewSeconds('Wed, 01 Jan 2025 00:10:00 GMT', now)).toBe(600);
    expect(clockSkewSeconds('Tue, 31 Dec 2024 23:59:00 GMT', now)).toBe(-60);
    expect(clockSkewSeconds(undefined, now)).toBeUndefined();
    expect(clockSkewSeconds('garbage', now)).toBeUndefined();
  });

  it('principal names and role ARNs', () => {
    expect(roleArnOfSession('arn:aws:sts::123456789012:assumed-role/ci/s-1')).toBe(
      'arn:aws:iam::123456789012:role/ci',
    );
    expect(roleArnOfSession('arn:aws-cn:sts::123456789012:assumed-role/ci/s')).toBe(
      'arn:aws-cn:iam::123456789012:role/ci',
    );
    expect(roleArnOfSession('arn:aws:iam::123456789012:user/alice')).toBeUndefined();
    expect(principalName('arn:aws:iam::123456789012:user/team/alice')).toBe('user alice');
    expect(principalName('arn:aws:sts::123456789012:assumed-role/ci/s')).toBe('role ci');
  });

  it('proxyNote: input wins, scheme picks the variable, NO_PROXY bypasses', () => {
    const env = {
      HTTPS_PROXY: `http://u:${PROXY_PASSWORD}@proxy.corp:3128`,
      http_proxy: 'http://plain.corp:80',
      NO_PROXY: '.internal,127.0.0.1:5000',
    };
    expect(proxyNote('https://api.ecr.us-east-1.amazonaws.com', undefined, env)).toBe(
      'through the proxy proxy.corp:3128 (from HTTPS_PROXY)',
    );
    expect(proxyNote('http://127.0.0.1:9', undefined, env)).toBe(
      'through the proxy plain.corp (from http_proxy)',
    );
    expect(proxyNote('https://x.internal', undefined, env)).toBe(
      'directly, not through the configured proxy, because NO_PROXY covers x.internal',
    );
    expect(proxyNote('https://a.example', 'http://in.put:8080', env)).toBe(
      'through the proxy in.put:8080 (from the http-proxy input)',
    );
    expect(proxyNote('https://a.example', undefined, {})).toBe('directly (no proxy configured)');
  });

  it('scrub removes secret variable values, proxy passwords and URL userinfo', () => {
    const env = { AWS_SECRET_ACCESS_KEY: SECRET, HTTPS_PROXY: `http://me:${PROXY_PASSWORD}@p:1` };
    const out = scrub(`a ${SECRET} b ${PROXY_PASSWORD} c https://x:y@host/`, env, 'http://u:pa%40ss1@q:2');
    expect(out).toBe('a *** b *** c https://***@host/');
    expect(scrub('pa@ss1 and pa%40ss1', {}, 'http://u:pa%40ss1@q:2')).toBe('*** and ***');
    // Values too short to be real secrets are left alone rather than garbling the message.
    expect(scrub('a test run', { AWS_ACCESS_KEY_ID: 'test' })).toBe('a test run');
  });
});

describe('registry refusals that only AWS can produce (hand-made outcome)', () => {
  it('a token from another region than the registry', () => {
    const message = describeLoginFailure(
      {
        host: '111111111111.dkr.ecr.us-west-2.amazonaws.com',
        scheme: 'https',
        username: 'AWS',
        password: 'pw-not-shown',
        auth: 'QVdTOnB3LW5vdC1zaG93bg==',
        expiresAt: new Date(Date.now() + 3600_000),
        kind: 'private',
        account: '111111111111',
        region: 'us-east-1',
        order: 0,
      },
      {
        store: 'docker-cli',
        detail: 'Error response from daemon: login attempt failed with status: 401 Unauthorized',
      },
      { env: {} },
    );
    expect(message).toContain(
      'Registry: 111111111111.dkr.ecr.us-west-2.amazonaws.com is account 111111111111 in us-west-2',
    );
    expect(message).toContain('the token is from us-east-1 but the registry is in us-west-2');
    expect(message).toContain('list the registry by its full host');
    expect(message).not.toContain('pw-not-shown');
  });
});
