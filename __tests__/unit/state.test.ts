import { describe, expect, it } from 'vitest';
import { decodeState, encodeState, type PostState, STATE_KEY } from '../../src/state.js';

describe('post state', () => {
  it('is saved under the key ecr-login', () => {
    expect(STATE_KEY).toBe('ecr-login');
  });

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
