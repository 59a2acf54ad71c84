import { describe, expect, it } from 'vitest';
import type { Credential } from '../../src/credentials.js';
import { outputKey, outputsFor } from '../../src/outputs.js';

function cred(host: string, password: string, expiresAt: string, order: number): Credential {
  return {
    host,
    scheme: 'https',
    username: 'AWS',
    password,
    expiresAt: new Date(expiresAt),
    kind: host === 'public.ecr.aws' ? 'public' : 'private',
    region: 'us-east-1',
    order,
  };
}

const A = '123456789012.dkr.ecr.us-east-1.amazonaws.com';
const B = '012345678901.dkr-ecr.eu-west-1.on.aws';

describe('outputKey (the official action’s rule)', () => {
  it.each<[string, string]>([
    [A, '123456789012_dkr_ecr_us_east_1_amazonaws_com'],
    [B, '012345678901_dkr_ecr_eu_west_1_on_aws'],
    ['public.ecr.aws', 'public_ecr_aws'],
    ['ecr-public.aws.com', 'ecr_public_aws_com'],
    ['127.0.0.1:5000', '127_0_0_1_5000'],
    ['a..b--c', 'a_b_c'],
    ['keep_under_score', 'keep_under_score'],
    ['MiXeD.Case', 'MiXeD_Case'],
  ])('%s → %s', (host, key) => {
    expect(outputKey(host)).toBe(key);
  });
});

describe('outputsFor', () => {
  it('is empty for no logins', () => {
    expect(outputsFor([])).toEqual({});
  });

  it('sets registry only when exactly one host was logged in to', () => {
    expect(outputsFor([cred(A, 'pw-a', '2030-01-01T00:00:00Z', 0)])).toEqual({
      registry: A,
      registries: A,
      docker_username_123456789012_dkr_ecr_us_east_1_amazonaws_com: 'AWS',
      docker_password_123456789012_dkr_ecr_us_east_1_amazonaws_com: 'pw-a',
      'expires-at': '2030-01-01T00:00:00.000Z',
    });
  });

  it('lists hosts in the given order, per-host credentials, and the earliest expiry', () => {
    const out = outputsFor([
      cred(B, 'pw-b', '2030-01-01T05:00:00Z', 0),
      cred('public.ecr.aws', 'pw-p', '2030-01-01T01:30:00Z', 1),
      cred(A, 'pw-a', '2030-01-01T09:00:00Z', 2),
    ]);
    expect(out).toEqual({
      registries: `${B},public.ecr.aws,${A}`,
      docker_username_012345678901_dkr_ecr_eu_west_1_on_aws: 'AWS',
      docker_password_012345678901_dkr_ecr_eu_west_1_on_aws: 'pw-b',
      docker_username_public_ecr_aws: 'AWS',
      docker_password_public_ecr_aws: 'pw-p',
      docker_username_123456789012_dkr_ecr_us_east_1_amazonaws_com: 'AWS',
      docker_password_123456789012_dkr_ecr_us_east_1_amazonaws_com: 'pw-a',
      'expires-at': '2030-01-01T01:30:00.000Z',
    });
    expect(out.registry).toBeUndefined();
  });
});
