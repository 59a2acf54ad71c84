import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as runner from '../../src/action/runner.js';
import { parseFileCommands } from '../support/file-commands.js';
import { captureStdout } from '../support/stdout.js';

const uuid = vi.hoisted(() => ({ fixed: undefined as string | undefined }));
vi.mock('node:crypto', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:crypto')>();
  return { ...real, randomUUID: () => uuid.fixed ?? real.randomUUID() };
});

const FILE_VARS = ['GITHUB_OUTPUT', 'GITHUB_STATE', 'GITHUB_ENV', 'GITHUB_STEP_SUMMARY', 'RUNNER_DEBUG'];
let saved: Record<string, string | undefined>;
let dir: string;
let out: string[];

beforeEach(async () => {
  saved = Object.fromEntries(FILE_VARS.map((k) => [k, process.env[k]]));
  for (const k of FILE_VARS) delete process.env[k];
  dir = await mkdtemp(join(tmpdir(), 'ecr-login-runner-unit-'));
  out = captureStdout();
});

afterEach(async () => {
  vi.restoreAllMocks();
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  delete process.env.ECR_LOGIN_UNIT_EXPORTED;
  process.exitCode = undefined;
  uuid.fixed = undefined;
  await rm(dir, { recursive: true, force: true });
});

async function fileFor(variable: string): Promise<string> {
  const file = join(dir, variable.toLowerCase());
  await writeFile(file, '');
  process.env[variable] = file;
  return file;
}

describe('getInput', () => {
  it.each<[string, Record<string, string>, string]>([
    ['registries', { INPUT_REGISTRIES: 'a,b' }, 'a,b'],
    ['mask-password', { 'INPUT_MASK-PASSWORD': 'false' }, 'false'],
    ['mask-password', { INPUT_MASK_PASSWORD: 'false' }, ''],
    ['my input', { INPUT_MY_INPUT: 'spaced' }, 'spaced'],
    ['Region', { INPUT_REGION: 'eu-west-1' }, 'eu-west-1'],
    ['region', { INPUT_REGION: '  \n eu-west-1 \t\n' }, 'eu-west-1'],
    ['region', {}, ''],
  ])('getInput(%j) with %j is %j', (name, env, value) => {
    expect(runner.getInput(name, env)).toBe(value);
  });

  it('keeps the inside of a value as it is (items are the caller’s business)', () => {
    expect(runner.getInput('registries', { INPUT_REGISTRIES: ' a ,\n b \n' })).toBe('a ,\n b');
  });

  it('reads process.env by default', () => {
    process.env['INPUT_ECR-LOGIN-UNIT'] = ' v ';
    try {
      expect(runner.getInput('ecr-login-unit')).toBe('v');
    } finally {
      delete process.env['INPUT_ECR-LOGIN-UNIT'];
    }
  });
});

describe('getState', () => {
  it('reads STATE_<name> untrimmed and is empty when unset', () => {
    expect(runner.getState('ecr-login', { 'STATE_ecr-login': ' {"a":1} ' })).toBe(' {"a":1} ');
    expect(runner.getState('ecr-login', { STATE_ECR_LOGIN: 'x' })).toBe('');
  });
});

describe('file commands', () => {
  const BLOCK = /^([^\n<]+)<<(ghadelimiter_[0-9a-f-]{36})\n([\s\S]*?)\n\2\n/;

  it('writes an output as a name<<DELIMITER block with a random delimiter', async () => {
    const file = await fileFor('GITHUB_OUTPUT');
    runner.setOutput('registry', '123456789012.dkr.ecr.us-east-1.amazonaws.com');
    const text = await readFile(file, 'utf8');
    const m = BLOCK.exec(text);
    expect(m?.[1]).toBe('registry');
    expect(m?.[3]).toBe('123456789012.dkr.ecr.us-east-1.amazonaws.com');
    expect(m?.[0].length).toBe(text.length);
    expect(out).toEqual([]);
  });

  it('appends, keeps multi-line values intact and uses a new delimiter per block', async () => {
    const file = await fileFor('GITHUB_OUTPUT');
    runner.setOutput('a', 'line 1\nline 2\n%0A');
    runner.setOutput('b', '');
    const text = await readFile(file, 'utf8');
    expect(parseFileCommands(text)).toEqual({ values: { a: 'line 1\nline 2\n%0A', b: '' }, errors: [] });
    const delimiters = [...text.matchAll(/<<(ghadelimiter_[^\n]+)/g)].map((x) => x[1]);
    expect(delimiters).toHaveLength(2);
    expect(delimiters[0]).not.toBe(delimiters[1]);
  });

  it('saves state to GITHUB_STATE and exports to GITHUB_ENV and this process', async () => {
    const state = await fileFor('GITHUB_STATE');
    const env = await fileFor('GITHUB_ENV');
    runner.saveState('ecr-login', '{"logins":[]}');
    runner.exportVariable('ECR_LOGIN_UNIT_EXPORTED', '/tmp/x');
    expect(parseFileCommands(await readFile(state, 'utf8')).values).toEqual({ 'ecr-login': '{"logins":[]}' });
    expect(parseFileCommands(await readFile(env, 'utf8')).values).toEqual({
      ECR_LOGIN_UNIT_EXPORTED: '/tmp/x',
    });
    expect(process.env.ECR_LOGIN_UNIT_EXPORTED).toBe('/tmp/x');
  });

  it('fails clearly when the runner gives no file (no legacy stdout commands)', () => {
    expect(() => runner.setOutput('o', 'v')).toThrow('GITHUB_OUTPUT is not set');
    expect(() => runner.saveState('s', 'v')).toThrow('GITHUB_STATE is not set');
    expect(() => runner.exportVariable('ECR_LOGIN_UNIT_EXPORTED', 'v')).toThrow('GITHUB_ENV is not set');
    expect(out).toEqual([]);
  });

  it('refuses a value that contains the delimiter', async () => {
    const file = await fileFor('GITHUB_OUTPUT');
    uuid.fixed = '00000000-0000-4000-8000-000000000000';
    expect(() =>
      runner.setOutput('x', 'before ghadelimiter_00000000-0000-4000-8000-000000000000 after'),
    ).toThrow('refusing to write x: the value contains the delimiter');
    expect(await readFile(file, 'utf8')).toBe('');
  });
});

describe('workflow commands', () => {
  it('registers a mask, escaping %, CR and LF, and ignores an empty one', () => {
    runner.setSecret('');
    runner.setSecret('p%w\r\nx');
    expect(out).toEqual(['::add-mask::p%25w%0D%0Ax\n']);
  });

  it('escapes warning, error and debug messages so they stay one command', () => {
    runner.warning('two\nlines');
    runner.error('100%');
    runner.debug('a\rb');
    expect(out).toEqual(['::warning::two%0Alines\n', '::error::100%25\n', '::debug::a%0Db\n']);
  });

  it('prints info as it is', () => {
    runner.info('Logged in to x (config file).');
    expect(out).toEqual(['Logged in to x (config file).\n']);
  });

  it('setFailed sets exit code 1 and prints an error', () => {
    runner.setFailed('2 registries failed:\na\nb');
    expect(process.exitCode).toBe(1);
    expect(out).toEqual(['::error::2 registries failed:%0Aa%0Ab\n']);
  });

  it('closes a group even when its body throws, and returns its value otherwise', async () => {
    await expect(runner.group('g1', async () => 42)).resolves.toBe(42);
    await expect(
      runner.group('g2', async () => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(out).toEqual(['::group::g1\n', '::endgroup::\n', '::group::g2\n', '::endgroup::\n']);
  });
});

describe('appendSummary', () => {
  it('appends Markdown lines to GITHUB_STEP_SUMMARY', async () => {
    const file = await fileFor('GITHUB_STEP_SUMMARY');
    runner.appendSummary('### one');
    runner.appendSummary('| a |');
    expect(await readFile(file, 'utf8')).toBe('### one\n| a |\n');
  });

  it('does nothing without a summary file', () => {
    runner.appendSummary('### one');
    expect(out).toEqual([]);
  });
});
