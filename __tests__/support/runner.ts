// Plays the GitHub Actions runner for this JavaScript action, per docs/runner-contract.md: inputs as
// INPUT_* with action.yml defaults, per-step file commands, post after main with STATE_* and GITHUB_ENV /
// GITHUB_PATH carried over, workflow commands and masking read back from the step's output.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { delimiter, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { dieWithParent, makeTempDir, removeDir } from './daemon.js';
import { parseFileCommands, parsePathFile } from './file-commands.js';
import { type LogLine, processLog, type Stream, type WorkflowCommand } from './workflow-commands.js';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

export type StepName = 'main' | 'post';
export type InputValue = string | number | boolean;

export interface ActionDefinition {
  dir: string;
  using: string;
  main: string;
  post?: string;
  /** runs.post-if; the runner's default is always(). */
  postIf: string;
  inputs: Record<string, { default?: string; required: boolean }>;
  outputs: string[];
}

/** Reads action.yml (or action.yaml) of `dir`. */
export async function loadAction(dir: string = REPO_ROOT): Promise<ActionDefinition> {
  const file = ['action.yml', 'action.yaml'].map((f) => join(dir, f)).find((f) => existsSync(f));
  if (!file) throw new Error(`no action.yml in ${dir}`);
  const doc = parseYaml(await readFile(file, 'utf8')) as {
    inputs?: Record<string, { default?: unknown; required?: unknown } | null>;
    outputs?: Record<string, unknown>;
    runs?: { using?: string; main?: string; post?: string; 'post-if'?: string };
  };
  const runs = doc.runs ?? {};
  if (!runs.main) throw new Error(`${file}: runs.main is missing`);
  const inputs: ActionDefinition['inputs'] = {};
  for (const [name, spec] of Object.entries(doc.inputs ?? {})) {
    const d = spec?.default;
    inputs[name] = {
      required: spec?.required === true || spec?.required === 'true',
      ...(d === undefined || d === null ? {} : { default: String(d) }),
    };
  }
  return {
    dir,
    using: runs.using ?? '',
    main: runs.main,
    ...(runs.post ? { post: runs.post } : {}),
    postIf: runs['post-if'] ?? 'always()',
    inputs,
    outputs: Object.keys(doc.outputs ?? {}),
  };
}

/** A workflow's `with:` block as the runner hands it over: YAML 1.2 scalars turned into strings
 *  (so unquoted 012345678901 arrives as "12345678901"). */
export function withInputs(yamlText: string): Record<string, string> {
  const doc = parseYaml(yamlText) as Record<string, unknown> | null;
  return Object.fromEntries(Object.entries(doc ?? {}).map(([k, v]) => [k, v === null ? '' : String(v)]));
}

export const inputEnvName = (name: string) => `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;

/** One job: its directories and what earlier steps handed to later ones. */
export interface Workspace {
  root: string;
  home: string;
  runnerTemp: string;
  toolCache: string;
  githubWorkspace: string;
  action: ActionDefinition;
  /** Env exported through GITHUB_ENV by earlier steps. */
  exportedEnv: Record<string, string>;
  /** GITHUB_PATH additions, most recent first (the order they are prepended in). */
  pathAdditions: string[];
  /** State saved by main through GITHUB_STATE, given to post as STATE_<name>. */
  state: Record<string, string>;
  cleanup(): Promise<void>;
}

export async function createWorkspace({ actionDir = REPO_ROOT } = {}): Promise<Workspace> {
  const action = await loadAction(actionDir);
  const root = await makeTempDir('job');
  const dirs = {
    home: join(root, 'home'),
    runnerTemp: join(root, 'runner-temp'),
    toolCache: join(root, 'tool-cache'),
    githubWorkspace: join(root, 'workspace'),
  };
  await Promise.all(Object.values(dirs).map((d) => mkdir(d, { recursive: true })));
  await mkdir(join(root, 'file-commands'));
  return {
    root,
    ...dirs,
    action,
    exportedEnv: {},
    pathAdditions: [],
    state: {},
    cleanup: () => removeDir(root),
  };
}

export interface StepOptions {
  step: StepName;
  workspace: Workspace;
  /** The step's `with:`; action.yml defaults fill the rest. */
  inputs?: Record<string, InputValue>;
  /** Job-level env (GITHUB_ENV exports of earlier steps override it, as on the runner). `undefined` removes a
   *  variable, e.g. { PATH: '/usr/bin' } to hide docker. HOME / RUNNER_TEMP here override the per-run dirs. */
  env?: Record<string, string | undefined>;
  /** Step-level `env:` (overrides everything but INPUT_*, STATE_* and the file-command paths). */
  stepEnv?: Record<string, string | undefined>;
  /** RUNNER_DEBUG=1. */
  debug?: boolean;
  runnerOs?: 'Linux' | 'macOS' | 'Windows';
  /** Kill the step (and its process group) after this long. Default 60 s. */
  timeoutMs?: number;
}

export interface StepResult {
  step: StepName;
  script: string;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  /** exitCode 0, no timeout, no file-command error: what the runner calls success. */
  succeeded: boolean;
  durationMs: number;
  stdout: string;
  stderr: string;
  /** Both streams in arrival order. */
  log: LogLine[];
  maskedStdout: string;
  maskedStderr: string;
  /** The combined log as the runner would show it (masked). */
  maskedLog: string;
  commands: WorkflowCommand[];
  masks: string[];
  outputs: Record<string, string>;
  state: Record<string, string>;
  exportedEnv: Record<string, string>;
  pathAdditions: string[];
  summary: string;
  /** What the runner itself would report: unexpected inputs, bad file commands, orphans, timeouts. */
  runnerMessages: string[];
  /** Processes left in the step's process group after it exited (killed, as the runner does at job end). */
  orphanProcesses: boolean;
  /** The environment the step ran with. */
  env: Record<string, string>;
}

const EXPRESSIONS: Record<string, (w: Workspace, env: Record<string, string>) => string> = {
  'github.token': (_w, env) => env.GITHUB_TOKEN ?? 'ghs_harnessFakeToken0000000000000000000',
  'github.workspace': (w) => w.githubWorkspace,
  'runner.temp': (w, env) => env.RUNNER_TEMP ?? w.runnerTemp,
  'runner.os': (_w, env) => env.RUNNER_OS ?? 'Linux',
};

// Defaults may be expressions (`${{ github.token }}`); the few a default can sensibly use are known here.
function evaluateDefault(value: string, w: Workspace, env: Record<string, string>): string {
  return value.replace(/\$\{\{\s*([^}]*?)\s*\}\}/g, (_m, expr: string) => {
    const f = EXPRESSIONS[expr];
    if (!f) throw new Error(`action.yml default uses \${{ ${expr} }}, which the harness cannot evaluate`);
    return f(w, env);
  });
}

function cleanEnv(env: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined));
}

let fileCounter = 0;

export async function runStep(opts: StepOptions): Promise<StepResult> {
  const { step, workspace: w } = opts;
  const script = step === 'main' ? w.action.main : w.action.post;
  if (!script) throw new Error(`action has no runs.${step}`);
  const scriptPath = resolve(w.action.dir, script);
  const runnerMessages: string[] = [];

  // Fresh file-command files per step, as the runner makes them.
  const n = ++fileCounter;
  const files = Object.fromEntries(
    ['OUTPUT', 'STATE', 'ENV', 'PATH', 'STEP_SUMMARY'].map((k) => [
      k,
      join(w.root, 'file-commands', `${step}_${k.toLowerCase()}_${n}`),
    ]),
  ) as Record<'OUTPUT' | 'STATE' | 'ENV' | 'PATH' | 'STEP_SUMMARY', string>;
  await Promise.all(Object.values(files).map((f) => writeFile(f, '')));

  const runnerEnv: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    HOME: w.home,
    LANG: 'C.UTF-8',
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    RUNNER_OS: opts.runnerOs ?? 'Linux',
    RUNNER_ARCH: 'X64',
    RUNNER_NAME: 'harness-runner',
    RUNNER_ENVIRONMENT: 'github-hosted',
    RUNNER_TEMP: w.runnerTemp,
    RUNNER_TOOL_CACHE: w.toolCache,
    GITHUB_WORKSPACE: w.githubWorkspace,
    GITHUB_REPOSITORY: 'octo-org/octo-repo',
    GITHUB_REPOSITORY_OWNER: 'octo-org',
    GITHUB_RUN_ID: '1000001',
    GITHUB_RUN_NUMBER: '1',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_JOB: 'build',
    GITHUB_ACTION: 'ecr-login',
    GITHUB_EVENT_NAME: 'push',
    GITHUB_SHA: '0000000000000000000000000000000000000000',
    GITHUB_REF: 'refs/heads/main',
    GITHUB_SERVER_URL: 'https://github.com',
    ...(opts.debug ? { RUNNER_DEBUG: '1' } : {}),
  };
  // job env < GITHUB_ENV exports < step env; `undefined` deletes.
  const merged: Record<string, string | undefined> = {
    ...runnerEnv,
    ...opts.env,
    ...w.exportedEnv,
    ...opts.stepEnv,
  };
  const base = cleanEnv(merged);
  if (w.pathAdditions.length > 0) {
    base.PATH = [...w.pathAdditions, ...(base.PATH ? [base.PATH] : [])].join(delimiter);
  }

  // Inputs: case-insensitive names as in `with:`; defaults for the rest; unknown ones warned about.
  const given = new Map(
    Object.entries(opts.inputs ?? {}).map(([k, v]) => [k.toLowerCase(), [k, String(v)] as const]),
  );
  const inputEnv: Record<string, string> = {};
  for (const [name, spec] of Object.entries(w.action.inputs)) {
    const value = given.get(name.toLowerCase())?.[1];
    given.delete(name.toLowerCase());
    if (value !== undefined) inputEnv[inputEnvName(name)] = value;
    else if (spec.default !== undefined)
      inputEnv[inputEnvName(name)] = evaluateDefault(spec.default, w, base);
  }
  for (const [name, value] of given.values()) {
    inputEnv[inputEnvName(name)] = value;
    runnerMessages.push(
      `##[warning]Unexpected input(s) '${name}', valid inputs are [${Object.keys(w.action.inputs).join(', ')}]`,
    );
  }
  const stateEnv =
    step === 'post' ? Object.fromEntries(Object.entries(w.state).map(([k, v]) => [`STATE_${k}`, v])) : {};
  const env: Record<string, string> = {
    ...base,
    ...inputEnv,
    ...stateEnv,
    GITHUB_OUTPUT: files.OUTPUT,
    GITHUB_STATE: files.STATE,
    GITHUB_ENV: files.ENV,
    GITHUB_PATH: files.PATH,
    GITHUB_STEP_SUMMARY: files.STEP_SUMMARY,
  };

  const run = await spawnStep(scriptPath, env, w.githubWorkspace, opts.timeoutMs ?? 60_000);
  if (run.timedOut) runnerMessages.push(`##[error]The action has timed out.`);
  if (run.orphanProcesses) runnerMessages.push('Terminate orphan process: the step left processes running');

  const processed = processLog(run.log);
  const read = (f: string) => readFile(f, 'utf8');
  const outputs = parseFileCommands(await read(files.OUTPUT));
  const state = parseFileCommands(await read(files.STATE));
  const exported = parseFileCommands(await read(files.ENV));
  const pathAdditions = parsePathFile(await read(files.PATH));
  const errors = [...outputs.errors, ...state.errors, ...exported.errors];
  for (const e of errors) runnerMessages.push(`##[error]Unable to process file command: ${e}`);

  // Deprecated stdout commands still work on the runner (with a warning); set-env/add-path are refused.
  for (const c of processed.commands) {
    const target =
      c.name === 'set-output' ? outputs.values : c.name === 'save-state' ? state.values : undefined;
    if (target && c.properties.name) {
      target[c.properties.name] = c.message;
      runnerMessages.push(`##[warning]The \`${c.name}\` command is deprecated`);
    }
    if (c.name === 'set-env' || c.name === 'add-path')
      runnerMessages.push(`##[error]The \`${c.name}\` command is disabled`);
  }
  // The runner refuses NODE_OPTIONS through GITHUB_ENV.
  if ('NODE_OPTIONS' in exported.values) {
    delete exported.values.NODE_OPTIONS;
    runnerMessages.push(`##[error]Can't store NODE_OPTIONS output parameter using '$GITHUB_ENV' command.`);
  }

  // Hand over to later steps of this job.
  Object.assign(w.exportedEnv, exported.values);
  for (const p of pathAdditions) {
    w.pathAdditions = [p, ...w.pathAdditions.filter((x) => x !== p)];
  }
  if (step === 'main') Object.assign(w.state, state.values);

  const join2 = (lines: LogLine[], stream?: Stream) =>
    lines
      .filter((l) => !stream || l.stream === stream)
      .map((l) => `${l.text}\n`)
      .join('');
  return {
    step,
    script: scriptPath,
    exitCode: run.exitCode,
    signal: run.signal,
    timedOut: run.timedOut,
    succeeded: run.exitCode === 0 && !run.timedOut && errors.length === 0,
    durationMs: run.durationMs,
    stdout: run.stdout,
    stderr: run.stderr,
    log: run.log,
    maskedStdout: join2(processed.masked, 'stdout'),
    maskedStderr: join2(processed.masked, 'stderr'),
    maskedLog: join2(processed.masked),
    commands: processed.commands,
    masks: processed.masks,
    outputs: outputs.values,
    state: state.values,
    exportedEnv: exported.values,
    pathAdditions,
    summary: await read(files.STEP_SUMMARY),
    runnerMessages,
    orphanProcesses: run.orphanProcesses,
    env,
  };
}

interface SpawnResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  durationMs: number;
  stdout: string;
  stderr: string;
  log: LogLine[];
  orphanProcesses: boolean;
}

// `node <script>`, no shell, in its own process group so a timeout or the end of the step can kill
// everything it started (the runner kills orphans at job end too).
function spawnStep(scriptPath: string, env: Record<string, string>, cwd: string, timeoutMs: number) {
  return new Promise<SpawnResult>((done) => {
    const started = performance.now();
    // setpriv (when present) only makes the step die with the test process; it execs node itself.
    const [cmd, args] = dieWithParent(process.execPath, [scriptPath]);
    const child = spawn(cmd, args, {
      cwd,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    const log: LogLine[] = [];
    const raw = { stdout: '', stderr: '' };
    const partial = { stdout: '', stderr: '' };
    const take = (stream: Stream) => (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      raw[stream] += text;
      const lines = (partial[stream] + text).split('\n');
      partial[stream] = lines.pop() ?? '';
      for (const line of lines) log.push({ stream, text: line.replace(/\r$/, '') });
    };
    child.stdout.on('data', take('stdout'));
    child.stderr.on('data', take('stderr'));
    const group = (signal: NodeJS.Signals | 0) => {
      try {
        if (child.pid) process.kill(-child.pid, signal);
        return true;
      } catch {
        return false;
      }
    };
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      group('SIGKILL');
    }, timeoutMs);
    let exit: { code: number | null; signal: NodeJS.Signals | null; ms: number } | undefined;
    let orphanProcesses = false;
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      clearTimeout(streamTimer);
      for (const stream of ['stdout', 'stderr'] as const) {
        if (partial[stream]) log.push({ stream, text: partial[stream] });
        partial[stream] = '';
      }
      done({
        exitCode: exit?.code ?? null,
        signal: exit?.signal ?? null,
        timedOut,
        durationMs: exit?.ms ?? performance.now() - started,
        ...raw,
        log,
        orphanProcesses,
      });
    };
    let streamTimer: NodeJS.Timeout | undefined;
    child.once('exit', (code, signal) => {
      exit = { code, signal, ms: performance.now() - started };
      // Anything still in the group outlived the step: note it and kill it so nothing leaks.
      if (group(0)) {
        orphanProcesses = true;
        group('SIGKILL');
      }
      // Orphans could hold the pipes open; never wait on them for long.
      streamTimer = setTimeout(finish, 2000);
    });
    child.once('close', () => {
      if (exit) finish();
    });
    child.once('error', (err) => {
      raw.stderr += String(err);
      exit = { code: null, signal: null, ms: performance.now() - started };
      finish();
    });
  });
}

export interface RunActionOptions {
  inputs?: Record<string, InputValue>;
  env?: Record<string, string | undefined>;
  stepEnv?: Record<string, string | undefined>;
  /** ['main'] skips post; default ['main', 'post'] (post when action.yml has one and post-if allows it).
   *  To run a post step on its own (e.g. twice), call runStep with the same workspace. */
  steps?: StepName[];
  actionDir?: string;
  debug?: boolean;
  runnerOs?: 'Linux' | 'macOS' | 'Windows';
  timeoutMs?: number;
  /** Reuse a job (e.g. two actions runs sharing HOME and GITHUB_ENV); otherwise a fresh one is made. */
  workspace?: Workspace;
}

export interface ActionRun {
  main: StepResult;
  post?: StepResult;
  workspace: Workspace;
  /** Removes the job's temp dirs (unless the workspace was passed in). */
  cleanup(): Promise<void>;
}

/** main, then post as the runner schedules it (post-if: always() by default, so also after a failed main). */
export async function runAction(opts: RunActionOptions = {}): Promise<ActionRun> {
  const steps = opts.steps ?? ['main', 'post'];
  if (!steps.includes('main')) throw new Error('runAction always runs main; use runStep for a lone post');
  const own = !opts.workspace;
  const workspace = opts.workspace ?? (await createWorkspace({ actionDir: opts.actionDir ?? REPO_ROOT }));
  const common = {
    workspace,
    ...(opts.inputs ? { inputs: opts.inputs } : {}),
    ...(opts.env ? { env: opts.env } : {}),
    ...(opts.stepEnv ? { stepEnv: opts.stepEnv } : {}),
    ...(opts.debug !== undefined ? { debug: opts.debug } : {}),
    ...(opts.runnerOs ? { runnerOs: opts.runnerOs } : {}),
    ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}),
  };
  try {
    const main = await runStep({ step: 'main', ...common });
    const result: ActionRun = {
      main,
      workspace,
      cleanup: own ? workspace.cleanup : async () => {},
    };
    if (steps.includes('post') && workspace.action.post && postShouldRun(workspace.action.postIf, main)) {
      result.post = await runStep({ step: 'post', ...common });
    }
    return result;
  } catch (err) {
    if (own) await workspace.cleanup();
    throw err;
  }
}

function postShouldRun(condition: string, main: StepResult): boolean {
  const c = condition.replace(/^\$\{\{\s*|\s*\}\}$/g, '').trim();
  if (c === 'always()' || c === '!cancelled()') return true;
  if (c === 'success()') return main.succeeded;
  if (c === 'failure()') return !main.succeeded;
  throw new Error(`post-if "${condition}" is not understood by the harness`);
}
