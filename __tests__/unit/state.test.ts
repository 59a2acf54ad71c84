import { describe, expect, it } from 'vitest';
import { decodeState, encodeState, type PostState } from '../../src/state.js';

describe('post state', () => {
  it('round-trips every field', () => {
    const state: PostState = {
      logins: [
        { host: '123456789012.dkr.ecr.us-east-1.amazonaws.com', via: 'file' },
        { host: 'public.ecr.aws', via: 'docker' },
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
        { host: 'a.example', via: 'file' },
        { host: 'b.example', via: 'ssh' },
        { host: 7, via: 'file' },
        null,
        'c.example',
        { host: 'd.example', via: 'docker' },
      ],
      configDir: '/x',
    });
    expect(decodeState(text)).toEqual({
      logins: [
        { host: 'a.example', via: 'file' },
        { host: 'd.example', via: 'docker' },
      ],
      configDir: '/x',
    });
  });
});
