import { describe, expect, it } from 'vitest';
import { decodeState, encodeState, LoginRecord, type PostState } from '../../src/state.js';
import type { DockerCredential, StoreName } from '../../src/types.js';

describe('post state', () => {
  it('round-trips every field', () => {
    const state: PostState = {
      logins: [
        { host: '123456789012.dkr.ecr.us-east-1.amazonaws.com', store: 'config-file' },
        { host: 'public.ecr.aws', store: 'docker-cli' },
        { host: '127.0.0.1:5000', store: 'helper' },
      ],
      configDir: '/home/runner/.docker',
      isolatedDir: '/tmp/ecr-login-docker-abc',
      helper: { dir: '/tmp/ecr-login-helper-abc', name: 'ecr-login-job-0123abcd' },
      expiresAt: '2030-01-01T12:00:00.000Z',
      skipLogout: true,
    };
    const text = encodeState(state);
    expect(JSON.parse(text)).toEqual(state);
    expect(decodeState(text)).toEqual(state);
  });

  it.each<[string, string]>([
    ['empty', ''],
    ['not JSON', '{"logins":['],
    ['no logins', '{"configDir":"/x"}'],
    ['logins not an array', '{"logins":{},"configDir":"/x"}'],
    ['no configDir', '{"logins":[]}'],
    ['configDir not a string', '{"logins":[],"configDir":1}'],
    ['JSON null', 'null'],
  ])('decodes %s as no state', (_, text) => {
    expect(decodeState(text)).toBeUndefined();
  });

  it('drops malformed logins and keeps the good ones', () => {
    const text = JSON.stringify({
      logins: [
        { host: 'a.example', store: 'config-file' },
        { host: 'b.example', store: 'ssh' },
        { host: 7, store: 'config-file' },
        null,
        'c.example',
        { host: 'd.example', store: 'docker-cli' },
      ],
      configDir: '/x',
    });
    expect(decodeState(text)).toEqual({
      logins: [
        { host: 'a.example', store: 'config-file' },
        { host: 'd.example', store: 'docker-cli' },
      ],
      configDir: '/x',
    });
  });
});

describe('LoginRecord', () => {
  const credential = (host: string, expiresAt: string, order: number): DockerCredential => ({
    host,
    scheme: 'https',
    username: 'AWS',
    password: 'pw',
    auth: 'QVdTOnB3',
    expiresAt: new Date(expiresAt),
    kind: 'private',
    region: 'us-east-1',
    order,
  });

  it("keeps a host the Amazon ECR credential helper serves for the report, but out of post's state and expiry", () => {
    const saved: string[] = [];
    const record = new LoginRecord({ isolateConfig: false, skipLogout: false }, '/cfg', (t) => saved.push(t));
    const add = (host: string, expiresAt: string, store: StoreName, order: number) =>
      record.add({ credential: credential(host, expiresAt, order), store });
    add('a.example', '2030-01-01T12:00:00.000Z', 'config-file', 0);
    add('b.example', '2030-01-01T08:00:00.000Z', 'ecr-helper', 1);
    add('c.example', '2030-01-01T10:00:00.000Z', 'docker-cli', 2);
    expect(record.logins.map((l) => [l.credential.host, l.store])).toEqual([
      ['a.example', 'config-file'],
      ['b.example', 'ecr-helper'],
      ['c.example', 'docker-cli'],
    ]);
    expect(saved).toHaveLength(2);
    expect(decodeState(saved.at(-1) ?? '')).toEqual({
      logins: [
        { host: 'a.example', store: 'config-file' },
        { host: 'c.example', store: 'docker-cli' },
      ],
      configDir: '/cfg',
      expiresAt: '2030-01-01T10:00:00.000Z',
    });
  });

  it('saves the helper before any login; renewed tokens set no expiry for post to warn of', () => {
    const saved: PostState[] = [];
    const record = new LoginRecord({ isolateConfig: false, skipLogout: false }, '/c', (t) => {
      saved.push(JSON.parse(t));
    });
    const helper = { dir: '/tmp/ecr-login-helper-x', name: 'ecr-login-job-00000000' };
    record.installed(helper);
    expect(saved).toEqual([{ logins: [], configDir: '/c', helper }]);
    record.add({ credential: credential('h', '2030-01-01T00:00:00Z', 0), store: 'helper' });
    expect(saved.at(-1)).toEqual({ logins: [{ host: 'h', store: 'helper' }], configDir: '/c', helper });
    record.add({ credential: credential('f', '2030-01-01T00:00:00Z', 1), store: 'config-file' });
    expect(saved.at(-1)?.expiresAt).toBe('2030-01-01T00:00:00.000Z');
  });

  it('drops a malformed helper record from decoded state and keeps the rest', () => {
    const text = JSON.stringify({ logins: [], configDir: '/x', helper: { dir: 1, name: 'n' } });
    expect(decodeState(text)).toEqual({ logins: [], configDir: '/x' });
  });
});
