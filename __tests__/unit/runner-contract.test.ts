// Contract: for the same calls, src/action/runner.ts writes exactly what @actions/core writes (stdout workflow
// commands, the GITHUB_OUTPUT / GITHUB_STATE / GITHUB_ENV / GITHUB_STEP_SUMMARY files, process.env and the
// exit code), heredoc delimiters aside (random in both). @actions/core is a devDependency for this test
// only: the runner emulator and runner.ts share one reading of the protocol, so this is the independent
// check. runner.ts has no addPath (the action never adds to PATH), so GITHUB_PATH is not compared.
// One deliberate difference: runner.ts's info keeps outside text to one line that cannot start a command,
// where core.info writes it raw; for one plain line the two agree.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as core from '@actions/core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import * as ours from '../../src/action/runner.js';
import { captureStdout } from '../support/stdout.js';

/** The calls both implementations offer, with one signature. */
interface Protocol {
  setOutput(name: string, value: string): void;
  saveState(name: string, value: string): void;
  exportVariable(name: string, value: string): void;
  addPath(dir: string): void;
  setSecret(value: string): void;
  debug(message: string): void;
  info(message: string): void;
  warning(message: string): void;
  error(message: string): void;
  setFailed(message: string): void;
  group<T>(title: string, body: () => Promise<T>): Promise<T>;
  appendSummary(markdown: string): void | Promise<void>;
}

const CORE: Protocol = {
  setOutput: (n, v) => core.setOutput(n, v),
  saveState: (n, v) => core.saveState(n, v),
  exportVariable: (n, v) => core.exportVariable(n, v),
  addPath: (d) => core.addPath(d),
  setSecret: (v) => core.setSecret(v),
  debug: (m) => core.debug(m),
  info: (m) => core.info(m),
  warning: (m) => core.warning(m),
  error: (m) => core.error(m),
  setFailed: (m) => core.setFailed(m),
  group: (t, body) => core.group(t, body),
  appendSummary: async (md) => {
    await core.summary.addRaw(md, true).write();
    core.summary.emptyBuffer();
  },
};

const OURS: Protocol = ours;

// Plain, multi-line (LF and CRLF), the escape character and command syntax, non-ASCII, a trailing newline,
// heredoc-looking text, leading/trailing blanks.
const VALUES = [
  'plain',
  'line one\nline two\r\nline three',
  '100% done :: a::b, c=d; %0A stays text',
  'ünïcødé ✓ 日本',
  'ends with a newline\n',
  'name<<EOF\nEOF',
  '  padded  ',
];

const FILES = ['GITHUB_OUTPUT', 'GITHUB_STATE', 'GITHUB_ENV', 'GITHUB_PATH', 'GITHUB_STEP_SUMMARY'] as const;
const VARIABLE = 'ECR_LOGIN_CONTRACT_VAR';
const PATH = process.env.PATH;

// One set of files for every run (emptied before each): core.summary remembers the first summary path.
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ecr-login-runner-contract-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

beforeEach(() => {
  vi.stubEnv('RUNNER_DEBUG', undefined);
});

afterEach(async () => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
  delete process.env[VARIABLE];
  process.env.PATH = PATH;
  process.exitCode = undefined;
});

interface Written {
  stdout: string;
  files: Record<string, string>;
  variable: string | undefined;
  path: string | undefined;
  exitCode: typeof process.exitCode;
  result?: unknown;
}

const normalise = (text: string) =>
  text.replace(
    /ghadelimiter_[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g,
    'ghadelimiter_*',
  );

/** Runs `calls` against `api` with fresh file-command files; returns everything it wrote. */
async function record(api: Protocol, calls: (api: Protocol) => unknown): Promise<Written> {
  for (const name of FILES) {
    const file = join(dir, name);
    await writeFile(file, '');
    vi.stubEnv(name, file);
  }
  delete process.env[VARIABLE];
  process.env.PATH = PATH;
  process.exitCode = undefined;
  const out = captureStdout();
  let result: unknown;
  try {
    result = await calls(api);
  } finally {
    vi.restoreAllMocks();
  }
  const files: Record<string, string> = {};
  for (const name of FILES) files[name] = normalise(await readFile(join(dir, name), 'utf8'));
  const written: Written = {
    stdout: normalise(out.join('')),
    files,
    variable: process.env[VARIABLE],
    path: process.env.PATH,
    exitCode: process.exitCode,
  };
  process.exitCode = undefined;
  return result === undefined ? written : { ...written, result };
}

async function expectSame(calls: (api: Protocol) => unknown): Promise<Written> {
  const theirs = await record(CORE, calls);
  const mine = await record(OURS, calls);
  expect(mine).toEqual(theirs);
  return mine;
}

describe('runner.ts writes what @actions/core writes', () => {
  describe.each(VALUES.map((v) => [JSON.stringify(v), v]))('value %s', (_label, value) => {
    it('outputs, state and env (heredoc file commands; env also in this process)', async () => {
      const w = await expectSame((api) => {
        api.setOutput('registry', value);
        api.setOutput('docker_username_111111111111_dkr_ecr_us_east_1_amazonaws_com', value);
        api.saveState('ecr-login', value);
        api.exportVariable(VARIABLE, value);
      });
      // Not vacuous: every file holds the value in a heredoc block.
      expect(w.files.GITHUB_OUTPUT).toContain(`registry<<ghadelimiter_*\n${value}\nghadelimiter_*\n`);
      expect(w.files.GITHUB_STATE).toContain(`ecr-login<<ghadelimiter_*\n${value}\nghadelimiter_*\n`);
      expect(w.files.GITHUB_ENV).toContain(`${VARIABLE}<<ghadelimiter_*\n${value}\n`);
      expect(w.variable).toBe(value);
    });

    it('a directory on PATH (a GITHUB_PATH line; PATH in this process too)', async () => {
      // A line break would split the GITHUB_PATH line (core writes it anyway): we refuse it.
      if (/[\r\n]/.test(value)) return expect(() => ours.addPath(value)).toThrow(/line break/);
      const w = await expectSame((api) => api.addPath(value));
      expect(w.files.GITHUB_PATH).toBe(`${value}\n`);
      expect(w.path?.startsWith(value)).toBe(true);
    });

    it('masks, debug, warning and error lines', async () => {
      const w = await expectSame((api) => {
        api.setSecret(value);
        api.debug(value);
        api.warning(value);
        api.error(value);
      });
      expect(w.stdout.split('\n')[0]).toMatch(/^::add-mask::/);
      expect(w.exitCode).toBeUndefined();
    });

    it('info: one line that is no command; for one plain line, exactly what core writes', async () => {
      const theirs = await record(CORE, (api) => api.info(value));
      const mine = await record(OURS, (api) => api.info(value));
      expect(mine.stdout.indexOf('\n')).toBe(mine.stdout.length - 1);
      expect(mine.stdout.trimStart()).not.toMatch(/^(::|##\[)/);
      expect({ ...mine, stdout: '' }).toEqual({ ...theirs, stdout: '' });
      if (!/[\r\n%]/.test(value)) expect(mine.stdout).toBe(theirs.stdout);
    });

    it('setFailed: the error line and exit code 1', async () => {
      const w = await expectSame((api) => api.setFailed(value));
      expect(w.exitCode).toBe(1);
    });

    it('groups, also around a body that throws', async () => {
      const w = await expectSame(async (api) => {
        const inner = await api.group(value, async () => {
          api.info('inside');
          return 42;
        });
        const failed = await api
          .group(value, async () => {
            throw new Error('body failed');
          })
          .catch((e: Error) => e.message);
        return [inner, failed];
      });
      expect(w.result).toEqual([42, 'body failed']);
      expect(w.stdout).toMatch(/^::group::.*\ninside\n::endgroup::\n/);
    });

    it('the job summary', async () => {
      const w = await expectSame(async (api) => {
        await api.appendSummary(value);
        await api.appendSummary('| a | b |\n| - | - |');
      });
      expect(w.files.GITHUB_STEP_SUMMARY?.startsWith(value)).toBe(true);
    });
  });

  it('inputs and state are read alike', () => {
    vi.stubEnv('INPUT_MASK-PASSWORD', '  true \n');
    vi.stubEnv('INPUT_REGISTRY_ROLES', ' a=b\nc=d ');
    vi.stubEnv('STATE_ecr-login', ' {"x":1} ');
    for (const name of ['mask-password', 'registry roles', 'missing'])
      expect(ours.getInput(name), name).toBe(core.getInput(name));
    for (const name of ['ecr-login', 'missing']) expect(ours.getState(name), name).toBe(core.getState(name));
  });
});
