import { describe, expect, it } from 'vitest';
import { decodeState, encodeState, LoginRecord, type PostState } from '../../src/state.js';
import type { DockerCredential, StoreName } from '../../src/types.js';

describe('post state', () => {
  it('round-trips every field', () => {
    const state: PostState = {
      logins: [
        { host: '123456789012.dkr.ecr.us-east-1.amazonaws.com', store: 'config-file' },
        { host: 'public.ecr.aws', store: 'docker-cli' },
      ],
      configDir: '/home/runner/.docker',
      isolatedDir: '/tmp/ecr-login-docker-abc',
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
});
