// The runner emulator against a throwaway action whose behaviour is known exactly.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { processAlive, waitFor } from '../../support/daemon.js';
import {
  type ActionRun,
  createWorkspace,
  inputEnvName,
  loadAction,
  REPO_ROOT,
  type RunActionOptions,
  runAction,
  runStep,
  withInputs,
} from '../../support/runner.js';
import { FAKE_SECRET, type FakeAction, printed, writeFakeAction } from './fake-action.js';

let fake: FakeAction;
const runs: ActionRun[] = [];

beforeAll(async () => {
  fake = await writeFakeAction();
});
afterAll(async () => {
  await fake.remove();
});
afterEach(async () => {
  vi.unstubAllEnvs();
  await Promise.all(runs.splice(0).map((r) => r.cleanup()));
});

async function run(opts: RunActionOptions & { mode?: string } = {}): Promise<ActionRun> {
  const { mode = 'basic', ...rest } = opts;
  const r = await runAction({ actionDir: fake.dir, ...rest, inputs: { mode, ...rest.inputs } });
  runs.push(r);
  return r;
}

describe('action.yml and inputs', () => {
  it('fills defaults, names INPUT_ vars like the runner, and warns on unknown inputs', async () => {
    const r = await run({ inputs: { 'With Space': 'given', extra: 7 } });
    const inputs = printed(r.main.stdout, 'inputs');
    expect(inputs).toEqual({
      INPUT_MODE: 'basic',
      INPUT_WITH_SPACE: 'given',
      'INPUT_MASK-PASSWORD': 'true',
      INPUT_ACCOUNT: '12345678901', // YAML 1.2 ate the leading zero, as on the runner
      INPUT_TOKEN: 'ghs_harnessFakeToken0000000000000000000',
      INPUT_EXTRA: '7',
    });
    expect(inputs).not.toHaveProperty('INPUT_NO-DEFAULT');
    expect(r.main.runnerMessages).toContain(
      "##[warning]Unexpected input(s) 'extra', valid inputs are [mode, with space, mask-password, account, token, no-default]",
    );
    expect(inputEnvName('registry-roles')).toBe('INPUT_REGISTRY-ROLES');
  });

  it('turns a workflow `with:` block into strings as YAML does', () => {
    expect(
      withInputs(
        'registries: 012345678901\nquoted: "012345678901"\nmask-password: false\nempty:\nlist: |\n  a\n  b\n',
      ),
    ).toEqual({
      registries: '12345678901',
      quoted: '012345678901',
      'mask-password': 'false',
      empty: '',
      list: 'a\nb\n',
    });
  });

  it.skipIf(!existsSync(join(REPO_ROOT, 'action.yml')))('reads the real action.yml', async () => {
    const action = await loadAction();
    expect(action.main).toMatch(/\.js$/);
    expect(action.using).toMatch(/^node\d+$/);
    for (const spec of Object.values(action.inputs)) {
      if (spec.default !== undefined) expect(typeof spec.default).toBe('string');
    }
  });
});

describe('runner environment', () => {
  it('sets the runner variables, isolates HOME, and passes no host env but PATH', async () => {
    vi.stubEnv('HARNESS_LEAK_CHECK', 'leaked');
    const r = await run({ env: { JOB_ONLY: 'job' } });
    const env = printed(r.main.stdout, 'env');
    const w = r.workspace;
    expect(env).toMatchObject({
      GITHUB_ACTIONS: 'true',
      CI: 'true',
      RUNNER_OS: 'Linux',
      RUNNER_TEMP: w.runnerTemp,
      HOME: w.home,
      GITHUB_WORKSPACE: w.githubWorkspace,
      cwd: w.githubWorkspace,
      LEAK: null,
      JOB_ONLY: 'job',
      PATH: process.env.PATH,
    });
    expect(env).not.toHaveProperty('RUNNER_DEBUG');
    expect(w.home.startsWith(w.root)).toBe(true);
    for (const k of ['OUTPUT', 'STATE', 'ENV', 'PATH', 'STEP_SUMMARY']) {
      expect(String(env[`GITHUB_${k}`]).startsWith(w.root)).toBe(true);
    }
    expect(r.main.env.GITHUB_OUTPUT).not.toBe(r.post?.env.GITHUB_OUTPUT); // fresh files per step
  });

  it('sets RUNNER_DEBUG when asked and lets a test override PATH, HOME and runner OS', async () => {
    const r = await run({
      debug: true,
      runnerOs: 'macOS',
      env: { PATH: '/nowhere', HOME: '/tmp/shared-home-not-created' },
      steps: ['main'],
    });
    expect(printed(r.main.stdout, 'env')).toMatchObject({
      RUNNER_DEBUG: '1',
      RUNNER_OS: 'macOS',
      PATH: '/nowhere',
      HOME: '/tmp/shared-home-not-created',
    });
    expect(r.post).toBeUndefined();
  });
});

describe('file commands and the post step', () => {
  it('reads outputs, state, env, path and summary; hands state/env/path to post', async () => {
    const r = await run();
    expect(r.main.succeeded).toBe(true);
    expect(r.main.outputs).toEqual({ plain: 'a=b<<c', multi: 'line one\nline=two' });
    expect(r.main.state).toEqual({ registries: 'r1,r2', config: '{"a":\n1}' });
    expect(r.main.exportedEnv).toEqual({ FAKE_EXPORTED: 'exported-value', FAKE_MULTI: 'm1\nm2' });
    expect(r.main.pathAdditions).toEqual(['/opt/first', '/opt/second']);
    expect(r.main.summary).toBe('### Logged in\n');

    expect(r.post?.succeeded).toBe(true);
    expect(r.post?.outputs).toEqual({ 'post-ran': 'yes' });
    const seen = printed(r.post?.stdout ?? '', 'post') as { PATH: string; state: object; inputs: object };
    expect(seen).toMatchObject({
      state: { STATE_registries: 'r1,r2', STATE_config: '{"a":\n1}' },
      exported: 'exported-value',
      multi: 'm1\nm2',
    });
    // The runner prepends each GITHUB_PATH line, so the last one written comes first.
    expect(seen.PATH).toBe(`/opt/second:/opt/first:${process.env.PATH}`);
    expect(seen.inputs).toMatchObject({ INPUT_MODE: 'basic', 'INPUT_MASK-PASSWORD': 'true' });
  });

  it('runs post after a failed main (post-if: always()) and reports the exit code', async () => {
    const r = await run({ mode: 'fail' });
    expect(r.main).toMatchObject({ exitCode: 3, succeeded: false, timedOut: false });
    expect(r.main.commands).toEqual([expect.objectContaining({ name: 'error', message: 'main failed' })]);
    expect(r.post?.succeeded).toBe(true);
    expect(printed(r.post?.stdout ?? '', 'post')).toMatchObject({ state: { STATE_registries: 'r1' } });
  });

  it('honours post-if: success()', async () => {
    const other = await writeFakeAction({ postIf: 'success()' });
    try {
      const failed = await runAction({ actionDir: other.dir, inputs: { mode: 'fail' } });
      runs.push(failed);
      expect(failed.post).toBeUndefined();
      const ok = await runAction({ actionDir: other.dir, inputs: { mode: 'basic' } });
      runs.push(ok);
      expect(ok.post?.succeeded).toBe(true);
    } finally {
      await other.remove();
    }
  });

  it('fails the step on an unterminated heredoc, refuses NODE_OPTIONS, honours deprecated set-output', async () => {
    const bad = await run({ mode: 'bad-heredoc', steps: ['main'] });
    expect(bad.main.exitCode).toBe(0);
    expect(bad.main.succeeded).toBe(false);
    expect(bad.main.runnerMessages.join('\n')).toMatch(/matching delimiter not found "EOF"/);

    const opts = await run({ mode: 'node-options' });
    expect(opts.main.exportedEnv).toEqual({ OTHER: 'kept' });
    expect(opts.post?.env.NODE_OPTIONS).toBeUndefined();
    expect(opts.post?.env.OTHER).toBe('kept');

    const old = await run({ mode: 'deprecated', steps: ['main'] });
    expect(old.main.outputs).toEqual({ old: 'via-stdout' });
    expect(old.main.runnerMessages).toContain('##[error]The `set-env` command is disabled');
  });

  it('shares one job between runs: a second post on the same workspace sees the same state', async () => {
    const workspace = await createWorkspace({ actionDir: fake.dir });
    try {
      await runAction({ workspace, inputs: { mode: 'basic' } });
      const again = await runStep({ step: 'post', workspace, inputs: { mode: 'basic' } });
      expect(printed(again.stdout, 'post')).toMatchObject({ state: { STATE_registries: 'r1,r2' } });
      expect(workspace.pathAdditions).toEqual(['/opt/second', '/opt/first']);
    } finally {
      await workspace.cleanup();
    }
    expect(existsSync(workspace.root)).toBe(false);
  });
});

describe('workflow commands and masking', () => {
  it('parses commands from stdout and stderr with properties and escapes', async () => {
    const r = await run({ steps: ['main'] });
    expect(
      r.main.commands.map(({ name, properties, message, stream }) => ({ name, properties, message, stream })),
    ).toEqual([
      { name: 'group', properties: {}, message: 'Logging in', stream: 'stdout' },
      { name: 'debug', properties: {}, message: 'a debug line', stream: 'stdout' },
      {
        name: 'warning',
        properties: { file: 'src/a.ts', line: '3', title: 'T:1' },
        message: 'careful\nnext line',
        stream: 'stdout',
      },
      { name: 'endgroup', properties: {}, message: '', stream: 'stdout' },
      { name: 'error', properties: {}, message: 'went wrong % here', stream: 'stderr' },
    ]);
  });

  it('masks registered values in later lines only, on both streams', async () => {
    const r = await run({ mode: 'mask', steps: ['main'] });
    expect(r.main.masks).toEqual([FAKE_SECRET]);
    expect(r.main.stdout).toContain(`late ${FAKE_SECRET}`);
    expect(r.main.maskedStdout).toBe(
      `inputs ${JSON.stringify(printed(r.main.stdout, 'inputs'))}\n` +
        `${r.main.maskedStdout.split('\n')[1]}\n` +
        `early ${FAKE_SECRET}\n::add-mask::***\nlate *** and again ***\n`,
    );
    expect(r.main.maskedStderr).toBe('stderr ***\n');
    expect(r.main.maskedLog).toContain('stderr ***');
  });
});

describe('process control', () => {
  it('kills a step that outlives its timeout', async () => {
    const t0 = Date.now();
    const r = await run({ mode: 'hang', timeoutMs: 700, steps: ['main'] });
    expect(r.main).toMatchObject({ timedOut: true, succeeded: false, exitCode: null, signal: 'SIGKILL' });
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(r.main.durationMs).toBeGreaterThanOrEqual(650);
  });

  it('kills processes a step left behind and says so', async () => {
    const r = await run({ mode: 'orphan', steps: ['main'] });
    const pid = Number(/grandchild (\d+)/.exec(r.main.stdout)?.[1]);
    expect(pid).toBeGreaterThan(0);
    expect(r.main.orphanProcesses).toBe(true);
    await waitFor('the grandchild to be gone', () => (processAlive(pid) ? undefined : true), 3000);
    const clean = await run({ steps: ['main'] });
    expect(clean.main.orphanProcesses).toBe(false);
  });
});
