import { describe, expect, it } from 'vitest';
import {
  getAnswer,
  hostOf,
  listAnswer,
  NOT_FOUND,
  parseAction,
  storedHost,
} from '../../src/helper/protocol.js';

describe('the credential helper protocol', () => {
  it('knows the four actions', () => {
    expect(['get', 'store', 'erase', 'list', 'version', undefined].map(parseAction)).toEqual([
      'get',
      'store',
      'erase',
      'list',
      undefined,
      undefined,
    ]);
  });

  it.each([
    ['111111111111.dkr.ecr.us-east-1.amazonaws.com\n', '111111111111.dkr.ecr.us-east-1.amazonaws.com'],
    [
      'https://111111111111.DKR.ecr.us-east-1.amazonaws.com/v2/',
      '111111111111.dkr.ecr.us-east-1.amazonaws.com',
    ],
    ['127.0.0.1:5000', '127.0.0.1:5000'],
    ['http://[::1]:5000', '[::1]:5000'],
    ['', undefined],
    ['../../etc/passwd', undefined],
    ['a b', undefined],
  ])('reads the host of %j', (input, host) => {
    expect(hostOf(input)).toBe(host);
  });

  it('reads the server of a store request and ignores what is not one', () => {
    expect(storedHost('{"ServerURL":"public.ecr.aws","Username":"AWS","Secret":"s"}')).toBe('public.ecr.aws');
    expect(storedHost('public.ecr.aws')).toBeUndefined();
    expect(storedHost('{"ServerURL":7}')).toBeUndefined();
    expect(storedHost('null')).toBeUndefined();
  });

  it('answers as docker-credential-helpers does', () => {
    expect(JSON.parse(getAnswer('h', 'AWS', 'pw'))).toEqual({
      ServerURL: 'h',
      Username: 'AWS',
      Secret: 'pw',
    });
    expect(JSON.parse(listAnswer([{ host: 'a', username: 'AWS' }]))).toEqual({ a: 'AWS' });
    expect(NOT_FOUND).toBe('credentials not found in native keychain');
  });
});
