import { describe, expect, it } from 'vitest';
import { outputKey, outputsFor, renderSummary } from '../../src/action/report.js';
import type { DockerCredential, Login, StoreName } from '../../src/action/types.js';

function cred(host: string, password: string, expiresAt: string, order: number): Login {
  return {
    credential: credential({ host, password, expiresAt: new Date(expiresAt), order }),
    store: 'config-file',
  };
}

function credential(over: Partial<DockerCredential> & { host: string }): DockerCredential {
  const password = over.password ?? 'pw';
  return {
    scheme: 'https',
    username: 'AWS',
    password,
    auth: Buffer.from(`AWS:${password}`).toString('base64'),
    expiresAt: new Date('2030-01-01T00:00:00Z'),
    kind: over.host === 'public.ecr.aws' ? 'public' : 'private',
    region: 'us-east-1',
    order: 0,
    ...over,
  };
}

const login = (store: StoreName, over: Partial<DockerCredential> & { host: string }): Login => ({
  store,
  credential: credential(over),
});

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

const EXPIRES = new Date('2030-01-02T03:04:05.000Z');

describe('renderSummary', () => {
  it('renders nothing for no rows', () => {
    expect(renderSummary([], [])).toBe('');
  });

  it('renders one row per registry with the expiry in UTC', () => {
    const md = renderSummary(
      [
        login('config-file', { host: A, account: '123456789012', expiresAt: EXPIRES }),
        login('docker-cli', { host: 'public.ecr.aws', role: 'arn:aws:iam::1:role/r', expiresAt: EXPIRES }),
      ],
      [],
    );
    expect(md).toBe(
      [
        '### ECR login: 2 registries',
        '',
        '| Registry | Account | Region | How | Expires (UTC) |',
        '| --- | --- | --- | --- | --- |',
        `| \`${A}\` | 123456789012 | us-east-1 | config file | 2030-01-02T03:04:05Z |`,
        '| `public.ecr.aws` | — | us-east-1 | docker CLI, role arn:aws:iam::1:role/r | 2030-01-02T03:04:05Z |',
        '',
      ].join('\n'),
    );
  });

  it('names the registry an alias stands for, and the profile and role that fetched the token', () => {
    const md = renderSummary(
      [
        login('config-file', {
          host: 'registry.example.com',
          aliasOf: A,
          profile: 'ci-b',
          role: 'arn:aws:iam::1:role/r',
          expiresAt: EXPIRES,
        }),
      ],
      [],
    );
    expect(md).toContain(
      `| \`registry.example.com\` | — | us-east-1 | config file, alias of ${A}, profile ci-b, role arn:aws:iam::1:role/r | 2030-01-02T03:04:05Z |`,
    );
  });

  it('names the Amazon ECR credential helper for a host it serves (its store label)', () => {
    const md = renderSummary([login('ecr-helper', { host: A, expiresAt: EXPIRES })], []);
    expect(md).toContain(
      `| \`${A}\` | — | us-east-1 | Amazon ECR credential helper | 2030-01-02T03:04:05Z |`,
    );
  });

  it('says "registry" for one and shows the expiry to the second', () => {
    const md = renderSummary(
      [login('config-file', { host: A, expiresAt: new Date('2030-01-02T03:04:05.123Z') })],
      [],
    );
    expect(md.split('\n')[0]).toBe('### ECR login: 1 registry');
    expect(md).toContain('| config file | 2030-01-02T03:04:05Z |');
  });

  it('counts failures in the title and shows the cause, one line, pipes escaped', () => {
    const md = renderSummary(
      [login('config-file', { host: A, account: '123456789012', expiresAt: EXPIRES })],
      [
        {
          host: '210987654321.dkr.ecr.eu-west-1.amazonaws.com',
          account: '210987654321',
          region: 'eu-west-1',
          message: 'AccessDenied | not\nauthorized',
        },
      ],
    );
    const lines = md.split('\n');
    expect(lines[0]).toBe('### ECR login: 1 of 2 failed');
    expect(lines[5]).toBe(
      '| `210987654321.dkr.ecr.eu-west-1.amazonaws.com` | 210987654321 | eu-west-1 | ❌ AccessDenied \\| not authorized | — |',
    );
    expect(lines).toHaveLength(7);
  });
});
