import { describe, expect, it } from 'vitest';
import { renderSummary } from '../../src/summary.js';

const A = '123456789012.dkr.ecr.us-east-1.amazonaws.com';
const EXPIRES = new Date('2030-01-02T03:04:05.000Z');

describe('renderSummary', () => {
  it('renders nothing for no rows', () => {
    expect(renderSummary([])).toBe('');
  });

  it('renders one row per registry with the expiry in UTC', () => {
    const md = renderSummary([
      { host: A, account: '123456789012', region: 'us-east-1', how: 'config file', expiresAt: EXPIRES },
      {
        host: 'public.ecr.aws',
        region: 'us-east-1',
        how: 'docker CLI, role arn:aws:iam::1:role/r',
        expiresAt: EXPIRES,
      },
    ]);
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

  it('says "registry" for one and shows the expiry to the second', () => {
    const md = renderSummary([
      { host: A, region: 'us-east-1', how: 'config file', expiresAt: new Date('2030-01-02T03:04:05.123Z') },
    ]);
    expect(md.split('\n')[0]).toBe('### ECR login: 1 registry');
    expect(md).toContain('| config file | 2030-01-02T03:04:05Z |');
  });

  it('counts failures in the title and shows the cause, one line, pipes escaped', () => {
    const md = renderSummary([
      { host: A, account: '123456789012', region: 'us-east-1', how: 'config file', expiresAt: EXPIRES },
      {
        host: '210987654321.dkr.ecr.eu-west-1.amazonaws.com',
        account: '210987654321',
        region: 'eu-west-1',
        how: '',
        error: 'AccessDenied | not\nauthorized',
      },
    ]);
    const lines = md.split('\n');
    expect(lines[0]).toBe('### ECR login: 1 of 2 failed');
    expect(lines[5]).toBe(
      '| `210987654321.dkr.ecr.eu-west-1.amazonaws.com` | 210987654321 | eu-west-1 | ❌ AccessDenied \\| not authorized | — |',
    );
    expect(lines).toHaveLength(7);
  });
});
