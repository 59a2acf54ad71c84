import { describe, expect, it } from 'vitest';
import { decodeState, encodeState, LoginRecord, type PostState } from '../../src/action/state.js';
import type { DockerCredential } from '../../src/action/types.js';

const ID = '0123456789abcdef0123456789abcdef';

describe('post state', () => {
  it('round-trips every field', () => {
    const state: PostState = {
      logins: [
        { host: '123456789012.dkr.ecr.us-east-1.amazonaws.com', store: 'config-file' },
        { host: 'public.ecr.aws', store: 'docker-cli' },
        { host: '210987654321.dkr.ecr.eu-west-1.amazonaws.com', store: 'ecr-helper' },
        { host: '127.0.0.1:5000', store: 'config-file' },
        { host: '[::1]:5000', store: 'config-file' },
        { host: '127.0.0.1:5001', store: 'helper' },
      ],
      configDir: '/home/runner/.docker',
      isolatedDir: '/tmp/ecr-login-docker-abc',
      isolatedId: ID,
      helper: { dir: '/tmp/ecr-login-helper-abc', name: 'ecr-login-job-0123abcd', id: ID },
      expiresAt: '2030-01-01T12:00:00.000Z',
      skipLogout: true,
    };
    const text = encodeState(state);
    expect(JSON.parse(text)).toEqual(state);
    expect(decodeState(text)).toEqual({ state });
  });

  it('decodes empty as no state', () => {
    expect(decodeState('')).toBeUndefined();
  });

  const good = { logins: [{ host: 'a.example', store: 'config-file' }], configDir: '/x' };
  it.each<[string, string, unknown]>([
    ['not JSON', 'JSON', '{"logins":['],
    ['JSON null', 'object', null],
    ['no logins', '"logins"', { configDir: '/x' }],
    ['logins not an array', '"logins"', { ...good, logins: {} }],
    ['a host with a path', '"logins"', { ...good, logins: [{ host: '../../etc', store: 'config-file' }] }],
    [
      'a host with a scheme',
      '"logins"',
      { ...good, logins: [{ host: 'https://a.example', store: 'config-file' }] },
    ],
    ['an unknown store', '"logins"', { ...good, logins: [{ host: 'a.example', store: 'ssh' }] }],
    ['a null login', '"logins"', { ...good, logins: [null] }],
    ['no configDir', '"configDir"', { logins: [] }],
    ['a relative configDir', '"configDir"', { ...good, configDir: 'home/.docker' }],
    ['a relative isolatedDir', '"isolatedDir"', { ...good, isolatedDir: 'tmp/x', isolatedId: ID }],
    ['isolatedDir without an id', '"isolatedId"', { ...good, isolatedDir: '/tmp/x' }],
    ['a bad id', '"isolatedId"', { ...good, isolatedDir: '/tmp/x', isolatedId: 'zz' }],
    ['expiresAt not a date', '"expiresAt"', { ...good, expiresAt: 'tomorrow' }],
    ['skipLogout not a boolean', '"skipLogout"', { ...good, skipLogout: 'yes' }],
    [
      'a relative helper dir',
      '"helper"',
      { ...good, helper: { dir: 'tmp/h', name: 'ecr-login-job-0123abcd', id: ID } },
    ],
    [
      'a helper without an id',
      '"helper"',
      { ...good, helper: { dir: '/tmp/h', name: 'ecr-login-job-0123abcd' } },
    ],
    [
      'a helper name not ours',
      '"helper"',
      { ...good, helper: { dir: '/tmp/h', name: 'osxkeychain', id: ID } },
    ],
  ])('refuses %s, naming the field', (_, field, value) => {
    const text = typeof value === 'string' ? value : JSON.stringify(value);
    const decoded = decodeState(text);
    expect(decoded && 'problem' in decoded ? decoded.problem : '').toContain(field);
  });
});

describe('LoginRecord', () => {
  const credential = (host: string, expiresAt: Date) => ({ host, expiresAt }) as DockerCredential;
  const saved: PostState[] = [];
  const record = () => {
    saved.length = 0;
    return new LoginRecord({ skipLogout: false }, { dir: '/d' }, (t) =>
      saved.push(JSON.parse(t) as PostState),
    );
  };

  it('names hosts before the store writes them, then drops the refused ones', () => {
    const r = record();
    const a = credential('a.example', new Date('2030-01-01T12:00:00Z'));
    const b = credential('b.example', new Date('2030-01-01T10:00:00Z'));
    r.intend([a, b], 'config-file');
    expect(saved.at(-1)).toEqual({
      logins: [
        { host: 'a.example', store: 'config-file' },
        { host: 'b.example', store: 'config-file' },
      ],
      configDir: '/d',
      expiresAt: '2030-01-01T10:00:00.000Z',
    });
    r.settle([a, b], 'config-file', [b]);
    expect(saved.at(-1)).toEqual({
      logins: [{ host: 'a.example', store: 'config-file' }],
      configDir: '/d',
      expiresAt: '2030-01-01T12:00:00.000Z',
    });
    expect(r.logins).toEqual([{ credential: a, store: 'config-file' }]);
  });

  it('an unrepresentable expiry never throws: it is left out of the state', () => {
    const r = record();
    expect(() => r.intend([credential('a.example', new Date(Number.NaN))], 'docker-cli')).not.toThrow();
    expect(saved.at(-1)).toEqual({ logins: [{ host: 'a.example', store: 'docker-cli' }], configDir: '/d' });
  });

  it("keeps a host the Amazon ECR credential helper serves for the report, but out of post's state and expiry", () => {
    const r = record();
    const a = credential('a.example', new Date('2030-01-01T12:00:00Z'));
    const b = credential('b.example', new Date('2030-01-01T08:00:00Z'));
    r.intend([a], 'config-file');
    r.settle([a], 'config-file', []);
    const writes = saved.length;
    r.intend([b], 'ecr-helper');
    r.settle([b], 'ecr-helper', []);
    expect(saved).toHaveLength(writes);
    expect(r.logins).toEqual([
      { credential: a, store: 'config-file' },
      { credential: b, store: 'ecr-helper' },
    ]);
    expect(saved.at(-1)).toEqual({
      logins: [{ host: 'a.example', store: 'config-file' }],
      configDir: '/d',
      expiresAt: '2030-01-01T12:00:00.000Z',
    });
  });

  it('saves the helper before any host; renewed tokens set no expiry for post to warn of', () => {
    const r = record();
    const helper = { dir: '/tmp/ecr-login-helper-x', name: 'ecr-login-job-00000000', id: ID };
    r.installed(helper);
    expect(saved).toEqual([{ logins: [], configDir: '/d', helper }]);
    r.intend([credential('h.example', new Date('2030-01-01T00:00:00Z'))], 'helper');
    expect(saved.at(-1)).toEqual({
      logins: [{ host: 'h.example', store: 'helper' }],
      configDir: '/d',
      helper,
    });
    r.intend([credential('f.example', new Date('2030-01-01T00:00:00Z'))], 'config-file');
    expect(saved.at(-1)?.expiresAt).toBe('2030-01-01T00:00:00.000Z');
  });
});
