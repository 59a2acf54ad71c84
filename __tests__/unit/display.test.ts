import { describe, expect, it } from 'vitest';
import { display, redactUrls, redactUserinfo } from '../../src/diagnose/display.js';

describe('display', () => {
  it.each<[string, string]>([
    ['abc', '"abc"'],
    ['', '""'],
    ['say "hi"', '"say \\"hi\\""'],
    ['a\nb', '"a\\nb"'],
    ['a\r\nb', '"a\\r\\nb"'],
    ['tab\there', '"tab\\there"'],
    ['\u0001x\u007f', '"\\u0001x\\u007f"'],
    // A Cyrillic "а" that looks like a Latin "a" is shown escaped.
    ['p\u0430ss', '"p\\u0430ss"'],
    ['caf\u00e9', '"caf\\u00e9"'],
    ['\u200b', '"\\u200b"'],
  ])('renders %j as %s', (text, shown) => {
    expect(display(text)).toBe(shown);
  });

  it('never lets a newline through, so a value cannot start a workflow command', () => {
    const shown = display('x\n::add-mask::y\r\n::error::z');
    expect(shown).not.toMatch(/[\r\n]/);
    expect(shown).toBe('"x\\n::add-mask::y\\r\\n::error::z"');
  });

  it('cuts text longer than 80 characters and marks the cut', () => {
    const long = `${'a'.repeat(79)}bcdefg`;
    expect(display(long)).toBe(`"${'a'.repeat(79)}b"…`);
    expect(display('a'.repeat(80))).toBe(`"${'a'.repeat(80)}"`);
  });

  it('counts code points, not UTF-16 units, when cutting', () => {
    const emoji = '\u{1F600}'.repeat(81);
    const shown = display(emoji);
    expect(shown.endsWith('…')).toBe(true);
    expect(shown.match(/\\ud83d\\ude00/g)?.length).toBe(80);
  });
});

describe('redactUserinfo', () => {
  it.each<[string, string]>([
    ['http://user:s3cret@proxy.example:3128', 'http://***@proxy.example:3128'],
    ['https://user:s3cret@proxy.example', 'https://***@proxy.example'],
    ['user:s3cret@proxy.example:3128', '***@proxy.example:3128'],
    // A password holding '@' or '/' is still covered up to the last '@'.
    ['http://user:p@ss/w@rd@proxy.example:3128', 'http://***@proxy.example:3128'],
    ['http://proxy.example:3128', 'http://proxy.example:3128'],
    ['no userinfo here', 'no userinfo here'],
    // An image digest is not userinfo.
    [
      `123456789012.dkr.ecr.us-east-1.amazonaws.com/app@sha256:${'a'.repeat(64)}`,
      `123456789012.dkr.ecr.us-east-1.amazonaws.com/app@sha256:${'a'.repeat(64)}`,
    ],
    [
      `https://u:pw@123456789012.dkr.ecr.us-east-1.amazonaws.com/app@sha256:${'b'.repeat(64)}`,
      `https://***@123456789012.dkr.ecr.us-east-1.amazonaws.com/app@sha256:${'b'.repeat(64)}`,
    ],
  ])('%s → %s', (text, redacted) => {
    expect(redactUserinfo(text)).toBe(redacted);
  });

  it('never leaves the password in the result', () => {
    for (const pw of ['s3cret', 'p@ss', 'a/b@c', 'x:y']) {
      expect(redactUserinfo(`http://user:${pw}@proxy:3128`)).not.toContain(pw);
    }
  });
});

describe('redactUrls (free text, the same rule per URL)', () => {
  it.each<[string, string]>([
    ['via http://u:s3cret@proxy:3128 failed', 'via http://***@proxy:3128 failed'],
    // The old free-text pattern stopped at the first '@' and left "ss@" of the password behind.
    ['via http://u:p@ss@proxy:3128 failed', 'via http://***@proxy:3128 failed'],
    ['(https://u:a/b@c@host/v2/) and http://x:y@z', '(https://***@host/v2/) and http://***@z'],
    ['no url, user@example.com', 'no url, user@example.com'],
    // An empty authority has no userinfo: scoped packages in file:/// paths stay readable.
    ['at file:///w/node_modules/@vitest/runner.js:1', 'at file:///w/node_modules/@vitest/runner.js:1'],
  ])('%s → %s', (text, redacted) => {
    expect(redactUrls(text)).toBe(redacted);
  });

  it('never leaves any part of a password holding @ or /', () => {
    for (const pw of ['p@ss', 'a/b@c', 'x@y@z']) {
      const out = redactUrls(`proxy http://user:${pw}@proxy:3128 down`);
      for (const piece of pw.split(/[@/]/)) expect(out).not.toContain(`${piece}@`);
      expect(out).not.toContain(pw);
    }
  });
});
