import { describe, expect, it } from 'vitest';
import { editJson } from '../../src/docker/json-edit.js';

const H = '123456789012.dkr.ecr.us-east-1.amazonaws.com';
const ours = { auth: 'QVdTOnB3' };

/** `text` with our `auths` entry added, and that result with it removed again. */
function roundTrip(text: string): { added: string; removed: string } {
  const before = JSON.parse(text);
  const added = editJson(text, { ...before, auths: { ...before.auths, [H]: ours } });
  const { [H]: _, ...rest } = JSON.parse(added).auths;
  // Like restoreUserEntries: an `auths` that was not there before goes again when it is empty.
  const auths = before.auths === undefined && Object.keys(rest).length === 0 ? undefined : rest;
  return { added, removed: editJson(added, { ...JSON.parse(added), auths }) };
}

describe('editJson keeps every byte outside the members it changes', () => {
  it.each([
    ['docker tabs', '{\n\t"auths": {\n\t\t"ghcr.io": {\n\t\t\t"auth": "Z2g="\n\t\t}\n\t}\n}'],
    ['odd spacing', '{  "n" :1.0,\n   "big": 12345678901234567890 ,"auths" : {"x":{}}  ,\n"z":[1,2 ,3]}\n\n'],
    [
      '3-space indent, CRLF',
      '{\r\n   "auths": {\r\n      "a": {"auth": "eA=="}\r\n   },\r\n   "e": 1e2\r\n}\r\n',
    ],
    ['minified', '{"auths":{"x":{"auth":"eA=="}},"credsStore":"pass","n":-0.50}'],
    ['empty auths', '{\n\t"auths": {},\n\t"n": 1.0\n}'],
    ['no auths', '{\n  "proxies": {"default": {"httpProxy": "http://p:3128"}},\n  "n": 1.10\n}\n'],
  ])('%s: adding our entry and removing it gives back the same bytes', (_, text) => {
    const { added, removed } = roundTrip(text);
    expect(JSON.parse(added).auths[H]).toEqual(ours);
    expect(removed).toBe(text);
  });

  it('lays an entry out like its neighbours', () => {
    const text = '{\n\t"auths": {\n\t\t"ghcr.io": {\n\t\t\t"auth": "Z2g="\n\t\t}\n\t}\n}';
    expect(roundTrip(text).added).toBe(
      `{\n\t"auths": {\n\t\t"ghcr.io": {\n\t\t\t"auth": "Z2g="\n\t\t},\n\t\t"${H}": {\n\t\t\t"auth": "QVdTOnB3"\n\t\t}\n\t}\n}`,
    );
    expect(roundTrip('{"auths":{"x":{}}}').added).toBe(`{"auths":{"x":{},"${H}":{"auth":"QVdTOnB3"}}}`);
    expect(roundTrip('{\n  "auths": {}\n}').added).toBe(
      `{\n  "auths": {\n    "${H}": {\n      "auth": "QVdTOnB3"\n    }\n  }\n}`,
    );
  });

  it('changes a value in place, and removes a first member without joining lines', () => {
    const text =
      '{\n  "credsStore": "desktop",\n  "auths": {"a": {"auth": "b2xk", "n": 1.0}},\n  "k": 1.0\n}';
    const changed = editJson(text, { auths: { a: { auth: 'bmV3', n: 1 } }, k: 1 });
    expect(changed).toBe('{\n  "auths": {"a": {"auth": "bmV3", "n": 1.0}},\n  "k": 1.0\n}');
  });

  it('removes and adds members of one object at once', () => {
    const text = '{\n\t"credsStore": "pass",\n\t"a": 1.0\n}';
    expect(editJson(text, { a: 1, credHelpers: { x: 'pass' } })).toBe(
      '{\n\t"a": 1.0,\n\t"credHelpers": {\n\t\t"x": "pass"\n\t}\n}',
    );
    expect(editJson('{"credsStore": "pass"}', { credHelpers: {} })).toBe('{"credHelpers":{}}');
  });

  it('writes a new document the way docker does, and leaves an equal one untouched', () => {
    expect(editJson('', { auths: { [H]: ours } })).toBe(
      `{\n\t"auths": {\n\t\t"${H}": {\n\t\t\t"auth": "QVdTOnB3"\n\t\t}\n\t}\n}\n`,
    );
    const text = '{ "n": 12345678901234567890, "f": 1.0 }';
    expect(editJson(text, JSON.parse(text))).toBe(text);
  });

  it('treats a member set to undefined as absent', () => {
    expect(editJson('{"a": 1, "b": 2}', { a: 1, b: undefined })).toBe('{"a": 1}');
  });
});
