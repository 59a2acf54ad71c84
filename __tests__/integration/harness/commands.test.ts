// The runner's two text protocols, read back exactly: file commands and workflow commands with masking.
import { describe, expect, it } from 'vitest';
import { parseFileCommands, parsePathFile } from '../../support/file-commands.js';
import { applyMasks, parseCommandLine, processLog } from '../../support/workflow-commands.js';

describe('parseFileCommands', () => {
  it('reads name=value lines and heredoc blocks, CRLF included', () => {
    const text =
      'a=1\nurl=http://x/?q=1<<2\r\njson<<ghadelimiter_x\r\n{"k":\r\n"v=w"}\r\nghadelimiter_x\r\n\nempty=\n';
    expect(parseFileCommands(text)).toEqual({
      values: { a: '1', url: 'http://x/?q=1<<2', json: '{"k":\n"v=w"}', empty: '' },
      errors: [],
    });
  });

  it('keeps the last value of a repeated name and reports malformed lines', () => {
    expect(parseFileCommands('k=1\nk=2\n').values).toEqual({ k: '2' });
    expect(parseFileCommands('just text\n').errors).toEqual(['line 1: invalid format "just text"']);
    expect(parseFileCommands('x<<END\nbody\n').errors).toEqual([
      'line 1: matching delimiter not found "END"',
    ]);
  });

  it('reads GITHUB_PATH lines', () => {
    expect(parsePathFile('/a\n\n/b c\n')).toEqual(['/a', '/b c']);
  });
});

describe('workflow commands', () => {
  it('parses known commands with escaped properties and data, ignores the rest', () => {
    expect(parseCommandLine('  ::error file=a%2Cb.ts,line=2,title=x%3Ay::50%25%0Adone  ')).toEqual({
      name: 'error',
      properties: { file: 'a,b.ts', line: '2', title: 'x:y' },
      message: '50%\ndone',
    });
    expect(parseCommandLine('::endgroup::')).toEqual({ name: 'endgroup', properties: {}, message: '' });
    expect(parseCommandLine('::unknown::x')).toBeUndefined();
    expect(parseCommandLine('text ::error::x')).toBeUndefined();
    expect(parseCommandLine('::error')).toBeUndefined();
  });

  it('masks every occurrence, merging overlapping values', () => {
    expect(applyMasks('abc abcdef xyz', ['abc', 'cde'])).toBe('*** ***f xyz');
    expect(applyMasks('secretsecret', ['secret'])).toBe('***');
    expect(applyMasks('nothing here', ['zzz', ''])).toBe('nothing here');
  });

  it('masks only after registration, across streams, and not inside stop-commands', () => {
    const out = processLog([
      { stream: 'stdout', text: 'before s3cr3t' },
      { stream: 'stdout', text: '::add-mask::s3cr3t' },
      { stream: 'stderr', text: 'after s3cr3t' },
      { stream: 'stdout', text: '::stop-commands::tok123' },
      { stream: 'stdout', text: '::add-mask::other' },
      { stream: 'stdout', text: 'other s3cr3t' },
      { stream: 'stdout', text: '::tok123::' },
      { stream: 'stdout', text: '::add-mask:: ' },
      { stream: 'stdout', text: 'other' },
    ]);
    expect(out.masks).toEqual(['s3cr3t']);
    expect(out.masked.map((l) => l.text)).toEqual([
      'before s3cr3t',
      '::add-mask::***',
      'after ***',
      '::stop-commands::tok123',
      '::add-mask::other',
      'other ***',
      '::tok123::',
      '::add-mask::***',
      'other',
    ]);
    expect(out.commands.map((c) => [c.name, c.line])).toEqual([
      ['add-mask', 1],
      ['stop-commands', 3],
      ['add-mask', 7],
    ]);
  });
});
