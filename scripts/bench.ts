// `npm run bench` — how long job S1 takes and where the time goes. Not a test: it prints numbers.
//
// Job S1: main + post logging in to 2 accounts x 3 regions (6 registries) through the runner emulator,
// against the loopback ECR stand-in (100 ms per call) and real registries (docker-registry). Each round
// measures, interleaved so they share the machine's noise:
//   ours (login-method auto)     main + post, as the runner times steps (spawn → exit of each)
//   ours (login-method docker)   same, every login through `docker login`
//   floor (a) physical           2 bare `node -e 0` starts + one API round trip to the stand-in + one
//                                parallel GET /v2/ per registry
//   floor (b) docker CLI         (a) + 6 `docker login --password-stdin` + 6 `docker logout`, run directly
// Then a start-up breakdown of main and post from traced runs (a --require preload written by this script,
// enabled only through BENCH_TRACE_FILE: nothing in src/ knows about it), and the SDK's share in isolation.
//
//   npm run bench -- [--runs N] [--trace-runs N] [--latency MS] [--action-dir DIR] [--cpu-prof DIR]
//                    [--compare DIR ...]   (other builds, e.g. with a proposed cut, in the same rounds)
//   npx -y -p node@24 -c 'npm run bench'          (the runner's Node; everything uses process.execPath)
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { dieWithParent } from '../__tests__/support/daemon.js';
import { type EcrStandIn, startEcrStandIn } from '../__tests__/support/ecr-stand-in.js';
import { type Registry, startRegistries } from '../__tests__/support/registry.js';
import { REPO_ROOT, runAction, runStep, type StepResult } from '../__tests__/support/runner.js';
import { findTool } from '../__tests__/support/tools.js';

const { values: args } = parseArgs({
  options: {
    runs: { type: 'string', default: '15' },
    'trace-runs': { type: 'string', default: '7' },
    latency: { type: 'string', default: '100' },
    'action-dir': { type: 'string' },
    'cpu-prof': { type: 'string' },
    /** Another build of the action (a directory with action.yml and dist/), measured in the same rounds. */
    compare: { type: 'string', multiple: true },
  },
});
const RUNS = Number(args.runs);
const TRACE_RUNS = Number(args['trace-runs']);
const LATENCY_MS = Number(args.latency);
if (!(RUNS >= 0 && TRACE_RUNS >= 0 && LATENCY_MS >= 0))
  throw new Error('bad --runs / --trace-runs / --latency');

const ACCOUNTS = ['111111111111', '222222222222'];
const REGIONS = ['us-east-1', 'eu-west-1', 'ap-southeast-2'];
const SITES = ACCOUNTS.flatMap((account) => REGIONS.map((region) => ({ account, region })));
const PASSWORDS = SITES.map((s) => `bench-${s.account}-${s.region}`);
const REGISTRIES_INPUT = SITES.map((s) => `${s.account}.dkr.ecr.${s.region}.amazonaws.com`).join('\n');
const NODE = process.execPath;

// ---------------------------------------------------------------------------------------------------------
// Small statistics.

const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
const median = (xs: number[]) => {
  const s = sorted(xs);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
};
/** Nearest-rank percentile. */
const percentile = (xs: number[], p: number) =>
  sorted(xs)[Math.max(0, Math.ceil((p / 100) * xs.length) - 1)] ?? 0;
const ms = (x: number) => `${x.toFixed(0)} ms`;
const pad = (s: string, n: number) => s.padEnd(n);
const lpad = (s: string, n: number) => s.padStart(n);

// ---------------------------------------------------------------------------------------------------------
// Processes and requests, timed by the caller.

function waitExit(child: ChildProcess, what: string): Promise<void> {
  return new Promise((done, fail) => {
    let err = '';
    child.stderr?.on('data', (b: Buffer) => {
      err += b.toString();
    });
    child.once('error', fail);
    child.once('exit', (code) =>
      code === 0 ? done() : fail(new Error(`${what} exited with ${code}: ${err.trim()}`)),
    );
  });
}

/** stdout of a process (async: the stand-ins answering it live in this process). */
function output(command: string, argv: string[], env: NodeJS.ProcessEnv): Promise<string> {
  const child = spawn(command, argv, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  child.stdout?.on('data', (b: Buffer) => {
    text += b.toString();
  });
  return waitExit(child, command).then(() => text);
}

/** A bare node start, spawned the way the runner emulator spawns a step (same setpriv wrapper). */
function bareNode(): Promise<void> {
  const [cmd, argv] = dieWithParent(NODE, ['-e', '0']);
  return waitExit(spawn(cmd, argv, { stdio: ['ignore', 'ignore', 'pipe'] }), 'node -e 0');
}

/** One request on a fresh connection (as a fresh process has), body drained. */
function httpCall(url: string, method: string, headers: Record<string, string>, body = ''): Promise<number> {
  return new Promise((done, fail) => {
    const req = request(url, { method, headers, agent: false }, (res) => {
      res.resume();
      res.once('end', () => done(res.statusCode ?? 0));
    });
    req.once('error', fail);
    req.end(body);
  });
}

const apiRoundTrip = (ecr: EcrStandIn) =>
  httpCall(
    ecr.url,
    'POST',
    {
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': 'AmazonEC2ContainerRegistry_V20150921.GetAuthorizationToken',
    },
    '{}',
  );

const basic = (password: string) => `Basic ${Buffer.from(`AWS:${password}`).toString('base64')}`;

async function parallelV2(regs: Registry[]): Promise<void> {
  const statuses = await Promise.all(
    regs.map((r, i) => httpCall(`${r.url}/v2/`, 'GET', { authorization: basic(PASSWORDS[i] ?? '') })),
  );
  if (statuses.some((s) => s !== 200)) throw new Error(`GET /v2/ answered ${statuses.join(',')}`);
}

function docker(argv: string[], env: NodeJS.ProcessEnv, input?: string): Promise<void> {
  const child = spawn('docker', argv, { env, stdio: ['pipe', 'ignore', 'pipe'] });
  child.stdin?.end(input ?? '');
  return waitExit(child, `docker ${argv[0]}`);
}

// ---------------------------------------------------------------------------------------------------------
// The measured jobs.

interface Sample {
  total: number;
  main?: StepResult;
  post?: StepResult;
}

/** The job's env: static keys (what configure-aws-credentials exports) and the stand-in's endpoint. */
function jobEnv(ecr: EcrStandIn) {
  return {
    AWS_ACCESS_KEY_ID: 'AKIABENCHJOB00000001',
    AWS_SECRET_ACCESS_KEY: 'benchJobSecretKey0000000000000000000000',
    AWS_ENDPOINT_URL_ECR: ecr.url,
  };
}

async function ours(
  actionDir: string,
  ecr: EcrStandIn,
  method: 'auto' | 'docker',
  stepEnv: Record<string, string> = {},
): Promise<Sample> {
  const run = await runAction({
    actionDir,
    inputs: { registries: REGISTRIES_INPUT, 'login-method': method },
    env: jobEnv(ecr),
    stepEnv,
  });
  try {
    const { main, post } = run;
    if (!main.succeeded || !post?.succeeded || main.outputs.registries?.split(',').length !== SITES.length) {
      throw new Error(
        `S1 (${method}) did not log in to ${SITES.length} registries:\n${main.stdout}${main.stderr}${post?.stdout ?? ''}${post?.stderr ?? ''}`,
      );
    }
    // As the runner times a step: from spawning node to its exit.
    return { total: main.durationMs + post.durationMs, main, post };
  } finally {
    await run.cleanup();
  }
}

async function floorPhysical(ecr: EcrStandIn, regs: Registry[]): Promise<number> {
  const t0 = performance.now();
  await bareNode();
  await apiRoundTrip(ecr);
  await parallelV2(regs);
  await bareNode();
  return performance.now() - t0;
}

/** Floor (a) with the six logins after the probes and the six logouts after the second start. */
async function floorDocker(ecr: EcrStandIn, regs: Registry[]): Promise<{ total: number; docker: number }> {
  const dir = await mkdtemp(join(tmpdir(), 'ecr-login-bench-docker-'));
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir, DOCKER_CONFIG: join(dir, '.docker') };
  try {
    const t0 = performance.now();
    await bareNode();
    await apiRoundTrip(ecr);
    await parallelV2(regs);
    const d0 = performance.now();
    for (const [i, r] of regs.entries()) {
      await docker(['login', '--username', 'AWS', '--password-stdin', r.host], env, PASSWORDS[i]);
    }
    let dockerMs = performance.now() - d0;
    await bareNode();
    const d1 = performance.now();
    for (const r of regs) await docker(['logout', r.host], env);
    dockerMs += performance.now() - d1;
    return { total: performance.now() - t0, docker: dockerMs };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------------------
// The trace preload: CommonJS, loaded with NODE_OPTIONS=--require, active only with BENCH_TRACE_FILE.
// Marks (ms since the process's time origin): bundle evaluation start (its first builtin require), the
// step's first docker-config read (runMain / runPost under way), every HTTP request and answer, every
// child process, the config rename, and the exit.

const PRELOAD = String.raw`'use strict';
const file = process.env.BENCH_TRACE_FILE;
if (file) {
  const { performance } = require('node:perf_hooks');
  const fs = require('node:fs');
  const marks = [];
  const mark = (name, detail) => marks.push([name, performance.now(), detail]);
  mark('preload');
  const Module = require('node:module');
  const load = Module._load;
  let evaluating = false;
  Module._load = function (request, parent, ...rest) {
    if (!evaluating && parent && /[\\/]dist[\\/]/.test(String(parent.filename || ''))) {
      evaluating = true;
      mark('eval-start', request);
    }
    return load.call(this, request, parent, ...rest);
  };
  const fsp = require('node:fs/promises');
  const readFile = fsp.readFile;
  let running = false;
  fsp.readFile = function (p, ...rest) {
    if (!running && String(p).endsWith('config.json')) {
      running = true;
      mark('run-start');
    }
    return readFile.call(this, p, ...rest);
  };
  const rename = fsp.rename;
  fsp.rename = async function (from, to, ...rest) {
    const result = await rename.call(this, from, to, ...rest);
    if (String(to).endsWith('config.json')) mark('config-written');
    return result;
  };
  const cp = require('node:child_process');
  const spawn = cp.spawn;
  cp.spawn = function (command, argv, ...rest) {
    const what = [command, ...(Array.isArray(argv) ? argv.slice(0, 1) : [])].join(' ');
    mark('spawn', what);
    const child = spawn.call(this, command, argv, ...rest);
    child.once('exit', () => mark('spawn-exit', what));
    return child;
  };
  const dc = require('node:diagnostics_channel');
  const target = (req) => (req.method === 'GET' && req.path === '/v2/' ? 'v2' : 'api');
  dc.subscribe('http.client.request.start', ({ request }) => mark('request', target(request)));
  dc.subscribe('http.client.response.finish', ({ request }) => mark('response', target(request)));
  process.on('exit', () => {
    mark('exit');
    const t = performance.nodeTiming;
    fs.writeFileSync(file, JSON.stringify({ bootstrapComplete: t.bootstrapComplete, marks }));
  });
}
`;

type Mark = [name: string, at: number, detail?: string];
interface Trace {
  bootstrapComplete: number;
  marks: Mark[];
}

/** Time spent inside child processes (they run one at a time: the i-th exit ends the i-th spawn). */
function dockerProcessTime(trace: Trace): number {
  const starts = trace.marks.filter((m) => m[0] === 'spawn').map((m) => m[1]);
  const ends = trace.marks.filter((m) => m[0] === 'spawn-exit').map((m) => m[1]);
  return ends.reduce((sum, end, i) => sum + (end - (starts[i] ?? end)), 0);
}

/** Phase name → ms, from one traced step. `outside` = spawn, exec and teardown, seen only by the runner. */
function phases(trace: Trace, durationMs: number, step: 'main' | 'post'): Record<string, number> {
  const first = (name: string, detail?: string) =>
    trace.marks.find((m) => m[0] === name && (detail === undefined || m[2] === detail))?.[1];
  const last = (name: string, detail?: string) =>
    trace.marks.findLast((m) => m[0] === name && (detail === undefined || m[2] === detail))?.[1];
  const exit = last('exit') ?? 0;
  const evalStart = first('eval-start') ?? first('preload') ?? 0;
  const runStart = first('run-start') ?? exit;
  const out: Record<string, number> = {
    'node bootstrap': first('preload') ?? 0,
    'bundle load + compile': evalStart - (first('preload') ?? 0),
    'bundle evaluation (module top-levels, builtins)': runStart - evalStart,
  };
  if (step === 'main') {
    const apiStart = first('request', 'api') ?? runStart;
    const apiEnd = last('response', 'api') ?? apiStart;
    out['inputs → first token request (plan, which docker, SDK clients, credentials, signing)'] =
      apiStart - runStart;
    out['token requests (3 regions in parallel; stand-in latency)'] = apiEnd - apiStart;
    const v2End = last('response', 'v2');
    const dockerEnd = last('spawn-exit');
    const loginEnd = Math.max(v2End ?? 0, dockerEnd ?? 0) || apiEnd;
    if (dockerEnd) {
      const inDocker = dockerProcessTime(trace);
      out['docker login x6 (sequential): the docker processes'] = inDocker;
      out['docker login x6: ours around them (decode, masks, exec set-up)'] = loginEnd - apiEnd - inDocker;
    } else out['decode + masks + GET /v2/ proofs (parallel)'] = loginEnd - apiEnd;
    out['config write, outputs, summary, log → exit'] = exit - loginEnd;
  } else {
    const dockerEnd = last('spawn-exit');
    if (dockerEnd) {
      const inDocker = dockerProcessTime(trace);
      out['docker logout x6 (sequential): the docker processes'] = inDocker;
      out['docker logout x6: ours around them'] = dockerEnd - runStart - inDocker;
    }
    out['config cleanup → exit'] = exit - (dockerEnd ?? runStart);
  }
  out['outside the process (spawn, exec, teardown)'] = durationMs - exit;
  return out;
}

async function traced(
  actionDir: string,
  ecr: EcrStandIn,
  method: 'auto' | 'docker',
  preload: string,
  dir: string,
) {
  const files = { main: join(dir, `main-${method}.json`), post: join(dir, `post-${method}.json`) };
  // One trace file per step: main and post each get their own BENCH_TRACE_FILE through the step env.
  const run = await runAction({
    actionDir,
    inputs: { registries: REGISTRIES_INPUT, 'login-method': method },
    env: jobEnv(ecr),
    stepEnv: { NODE_OPTIONS: `--require ${preload}`, BENCH_TRACE_FILE: files.main },
    steps: ['main'],
  });
  try {
    const post = await runStep({
      step: 'post',
      workspace: run.workspace,
      env: jobEnv(ecr),
      stepEnv: { NODE_OPTIONS: `--require ${preload}`, BENCH_TRACE_FILE: files.post },
    });
    if (!run.main.succeeded || !post.succeeded)
      throw new Error(`traced S1 failed:\n${run.main.stdout}${post.stdout}`);
    const read = async (f: string) => JSON.parse(await readFile(f, 'utf8')) as Trace;
    return {
      main: phases(await read(files.main), run.main.durationMs, 'main'),
      post: phases(await read(files.post), post.durationMs, 'post'),
    };
  } finally {
    await run.cleanup();
  }
}

function medianPhases(samples: Record<string, number>[]): [string, number][] {
  const names = Object.keys(samples[0] ?? {});
  return names.map((n) => [n, median(samples.map((s) => s[n] ?? 0))]);
}

// ---------------------------------------------------------------------------------------------------------
// The SDK in isolation: the same src/token-api.ts clientConfig + @aws-sdk/client-ecr, bundled by esbuild into a
// throwaway file, timed step by step in a fresh process per run: client construction, the default
// credential chain, the first request (sign + send + answer) and two more clients for the other regions.

const SDK_PROBE = `
import { subscribe } from 'node:diagnostics_channel';
import { ECRClient, GetAuthorizationTokenCommand } from '@aws-sdk/client-ecr';
import { ECR } from './src/aws-env.ts';
import { clientConfig } from './src/token-api.ts';
const t = [['compiled', globalThis.__benchEvalStart], ['evaluated', performance.now()]];
const once = new Set();
const mark = (n) => { if (!once.has(n)) { once.add(n); t.push([n, performance.now()]); } };
const settings = { maxAttempts: 5, timeoutSeconds: 30, env: process.env };
const regions = ['us-east-1', 'eu-west-1', 'ap-southeast-2'];
const first = new ECRClient(await clientConfig(ECR, regions[0], false, settings));
mark('construct the first client');
const at = (name, where) => [(next) => async (args) => { mark(name); return next(args); }, { name, ...where }];
const stack = first.middlewareStack;
stack.add(...at('command set-up (input, defaults)', { step: 'initialize', priority: 'high' }));
stack.addRelativeTo(...at('plan the request (until auth scheme)', { relation: 'before', toMiddleware: 'httpAuthSchemeMiddleware' }));
stack.addRelativeTo(...at('auth scheme + credentials + endpoint rules', { relation: 'after', toMiddleware: 'endpointV2Middleware' }));
stack.add(...at('serialize the request', { step: 'build', priority: 'low' }));
stack.addRelativeTo(...at('retry set-up', { relation: 'before', toMiddleware: 'httpSigningMiddleware' }));
stack.addRelativeTo(...at('sign (SigV4)', { relation: 'after', toMiddleware: 'httpSigningMiddleware' }));
subscribe('http.client.request.start', () => mark('open the connection, write the request'));
subscribe('http.client.response.finish', () => mark('the answer (stand-in latency)'));
const ids = { registryIds: ['111111111111', '222222222222'] };
await first.send(new GetAuthorizationTokenCommand(ids));
mark('read + deserialize the answer');
const configs = await Promise.all(regions.slice(1).map((r) => clientConfig(ECR, r, false, settings)));
const more = configs.map((c) => new ECRClient(c));
mark('construct two more clients (other regions)');
await Promise.all(more.map((c) => c.send(new GetAuthorizationTokenCommand(ids))));
mark('their two requests, in parallel');
for (const c of [first, ...more]) c.destroy();
process.stdout.write(JSON.stringify(t));
`;

async function sdkBreakdown(ecr: EcrStandIn, runs: number): Promise<[string, number][] | string> {
  const dir = join(REPO_ROOT, 'node_modules', '.cache', 'ecr-login-bench');
  mkdirSync(dir, { recursive: true });
  const entry = join(dir, 'sdk-probe.mjs');
  const out = join(dir, 'sdk-probe.bundle.mjs');
  await writeFile(
    entry,
    SDK_PROBE.replace('./src/token-api.ts', join(REPO_ROOT, 'src', 'token-api.ts')).replace(
      './src/aws-env.ts',
      join(REPO_ROOT, 'src', 'aws-env.ts'),
    ),
  );
  try {
    const esbuild = await import('esbuild');
    const { isBuiltin } = await import('node:module');
    await esbuild.build({
      entryPoints: [entry],
      outfile: out,
      bundle: true,
      platform: 'node',
      format: 'esm',
      minify: true,
      // The SDK's ES modules (tree-shaken), node builtins through require(): see docs/performance.md.
      mainFields: ['module', 'main'],
      nodePaths: [join(REPO_ROOT, 'node_modules')],
      banner: {
        js: "globalThis.__benchEvalStart = performance.now(); import { createRequire as __cr } from 'node:module'; const __nodeRequire = __cr(import.meta.url), require = __nodeRequire;",
      },
      plugins: [
        {
          name: 'builtins-via-require',
          setup(build) {
            build.onResolve({ filter: /^[a-z:_/0-9]+$/ }, (a) =>
              isBuiltin(a.path) ? { path: a.path, namespace: 'builtin' } : undefined,
            );
            build.onLoad({ filter: /.*/, namespace: 'builtin' }, (a) => ({
              contents: `module.exports = __nodeRequire(${JSON.stringify(a.path)});`,
              loader: 'js',
            }));
          },
        },
      ],
      logLevel: 'silent',
    });
  } catch (error) {
    return `skipped (could not bundle the probe: ${(error as Error).message.split('\n')[0]})`;
  }
  const samples: Record<string, number>[] = [];
  for (let i = 0; i < runs; i++) {
    const env = { PATH: process.env.PATH ?? '', HOME: dir, ...jobEnv(ecr) };
    const text = await output(NODE, [out], env);
    const marks = JSON.parse(text) as [string, number][];
    const s: Record<string, number> = {};
    let prev = 0;
    for (const [name, at] of marks) {
      const label: Record<string, string> = {
        compiled: 'node start + load and compile this bundle',
        evaluated: 'evaluate it (module top-levels, builtins)',
      };
      s[label[name] ?? name] = at - prev;
      prev = at;
    }
    samples.push(s);
  }
  return medianPhases(samples);
}

// ---------------------------------------------------------------------------------------------------------
// The CPU profile of one main (--cpu-prof DIR): self time by script, and by package when a source map
// sits next to the bundle (build one with ncc --source-map into an --action-dir to get package names).

interface CpuProfile {
  nodes: {
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  }[];
  samples: number[];
  timeDeltas: number[];
}

async function cpuProfile(actionDir: string, ecr: EcrStandIn, dir: string): Promise<string[]> {
  mkdirSync(dir, { recursive: true });
  const before = new Set(readdirSync(dir));
  await ours(actionDir, ecr, 'auto', {
    NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${resolve(dir)} --cpu-prof-interval=200`,
  });
  const made = readdirSync(dir).filter((f) => !before.has(f) && f.endsWith('.cpuprofile'));
  // main and post each write one; main's is the bigger one.
  const mainProfile = made.map((f) => join(dir, f)).sort((a, b) => statSync(b).size - statSync(a).size)[0];
  if (!mainProfile) return ['no profile written'];
  const profile = JSON.parse(readFileSync(mainProfile, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const { SourceMap } = await import('node:module');
  const maps = new Map<string, InstanceType<typeof SourceMap> | null>();
  const mapFor = (url: string) => {
    if (!maps.has(url)) {
      const path = url.startsWith('file://') ? new URL(url).pathname : url;
      maps.set(
        url,
        existsSync(`${path}.map`) ? new SourceMap(JSON.parse(readFileSync(`${path}.map`, 'utf8'))) : null,
      );
    }
    return maps.get(url) ?? null;
  };
  const bucket = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const frame = byId.get(id)?.callFrame;
    const dt = (profile.timeDeltas[i] ?? 0) / 1000;
    let key = frame?.url
      ? frame.url.replace(/^file:\/\//, '').replace(actionDir, '<action>')
      : `(${frame?.functionName || 'native'})`;
    if (frame?.url.includes('/dist/')) {
      const entry = mapFor(frame.url)?.findEntry(frame.lineNumber, frame.columnNumber);
      const source = entry && 'originalSource' in entry ? entry.originalSource : undefined;
      const pkg = source && /node_modules\/((@[^/]+\/)?[^/]+)/.exec(source)?.[1];
      if (source) key = pkg ?? (source.includes('/src/') ? 'src/ (ours)' : source);
    } else if (frame?.url.startsWith('node:')) key = 'node: builtins (loading + running)';
    if (frame?.functionName === 'compileSourceTextModule') key = 'ESM compile of the bundle';
    bucket.set(key, (bucket.get(key) ?? 0) + dt);
  });
  return [...bucket]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 14)
    .map(([k, v]) => `${lpad(v.toFixed(1), 7)} ms  ${k}`)
    .concat(`(profile: ${mainProfile})`);
}

// ---------------------------------------------------------------------------------------------------------

/** dist + action.yml copied once (under the build lock when there is one), so a rebuild meanwhile cannot
 *  mix bundles within a run. */
async function snapshotAction(from: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'ecr-login-bench-action-'));
  const lock = process.env.ECR_BUILD_LOCK ?? '/tmp/ecr-build.lock';
  const copy = `cp -R ${JSON.stringify(join(from, 'dist'))} ${JSON.stringify(join(from, 'action.yml'))} ${JSON.stringify(dir)}/`;
  if (findTool('flock') && existsSync(lock)) execFileSync('flock', ['-s', lock, 'sh', '-c', copy]);
  else execFileSync('sh', ['-c', copy]);
  return dir;
}

function bundleSizes(actionDir: string): string[] {
  const lines: string[] = [];
  const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
  for (const step of ['main', 'post']) {
    const dir = join(actionDir, 'dist', step);
    const files = readdirSync(dir).filter((f) => f.endsWith('.js'));
    for (const f of files.sort((a, b) =>
      a === 'index.js' ? -1 : b === 'index.js' ? 1 : a.localeCompare(b),
    )) {
      const text = readFileSync(join(dir, f), 'utf8');
      const what =
        f === 'index.js'
          ? `${step} entry (loaded on every run)`
          : text.includes('SpencerFrontendService')
            ? 'chunk: @aws-sdk/client-ecr-public (only with public.ecr.aws)'
            : /STSClient|AssumeRoleCommand/.test(text)
              ? 'chunk: @aws-sdk/client-sts (only with registry-roles or a failure diagnosis)'
              : `chunk (${text.length} bytes; loaded on demand)`;
      lines.push(`  ${pad(`dist/${step}/${f}`, 26)} ${lpad(kb(statSync(join(dir, f)).size), 10)}  ${what}`);
    }
  }
  const main = statSync(join(actionDir, 'dist/main/index.js')).size;
  const post = statSync(join(actionDir, 'dist/post/index.js')).size;
  lines.push(
    `  targets: main entry < 1 MB: ${main < 1024 * 1024 ? 'met' : 'MISSED'}; post < 100 KB: ${post < 100 * 1024 ? 'met' : 'MISSED'}`,
  );
  return lines;
}

async function main(): Promise<void> {
  for (const tool of ['docker-registry', 'htpasswd', 'docker']) {
    if (!findTool(tool)) throw new Error(`the bench needs ${tool} on PATH`);
  }
  const source = resolve(args['action-dir'] ?? REPO_ROOT);
  const actionDir = await snapshotAction(source);
  const work = await mkdtemp(join(tmpdir(), 'ecr-login-bench-'));
  const preload = join(work, 'trace-preload.cjs');
  await writeFile(preload, PRELOAD);

  const regs = await startRegistries(SITES.length, PASSWORDS);
  const ecr = await startEcrStandIn({
    accounts: Object.fromEntries(
      SITES.map((s, i) => [
        `${s.account}/${s.region}`,
        { proxyEndpoint: regs[i]?.url ?? '', password: PASSWORDS[i] ?? '' },
      ]),
    ),
    defaultAccount: ACCOUNTS[0],
    latencyMs: LATENCY_MS,
  });

  const cpu = cpus();
  console.log(
    `ecr-login bench: Node ${process.version} (${NODE}), ${process.platform}/${process.arch}, ` +
      `${cpu.length} CPUs (${cpu[0]?.model.trim() ?? '?'})`,
  );
  console.log(
    `job S1: main + post, ${SITES.length} registries (${ACCOUNTS.length} accounts x ${REGIONS.length} regions), ` +
      `ECR stand-in latency ${LATENCY_MS} ms, real docker-registry, ${RUNS} runs + 1 warm-up`,
  );
  console.log(`action: ${source}${args['action-dir'] ? '' : ' (dist/ snapshot)'}`);
  const load = () =>
    loadavg()
      .map((x) => x.toFixed(2))
      .join(' ');
  console.log(`load average at start: ${load()} (other work on the machine shows up as noise)\n`);

  const compared = new Map<string, { dir: string; auto: number[]; docker: number[] }>();
  try {
    const results = {
      auto: [] as number[],
      docker: [] as number[],
      floorA: [] as number[],
      floorB: [] as number[],
      dockerCommands: [] as number[],
      node: [] as number[],
    };
    const jobs: [string, () => Promise<void>][] = [
      ['auto', async () => void results.auto.push((await ours(actionDir, ecr, 'auto')).total)],
      ['docker', async () => void results.docker.push((await ours(actionDir, ecr, 'docker')).total)],
      ['floorA', async () => void results.floorA.push(await floorPhysical(ecr, regs))],
      [
        'floorB',
        async () => {
          const b = await floorDocker(ecr, regs);
          results.floorB.push(b.total);
          results.dockerCommands.push(b.docker);
        },
      ],
      [
        'node',
        async () => {
          const t0 = performance.now();
          await bareNode();
          results.node.push(performance.now() - t0);
        },
      ],
    ];
    for (const dir of args.compare ?? []) {
      const entry = { dir: await snapshotAction(resolve(dir)), auto: [] as number[], docker: [] as number[] };
      compared.set(dir, entry);
      jobs.push([
        `auto@${dir}`,
        async () => void entry.auto.push((await ours(entry.dir, ecr, 'auto')).total),
      ]);
      jobs.push([
        `docker@${dir}`,
        async () => void entry.docker.push((await ours(entry.dir, ecr, 'docker')).total),
      ]);
    }
    if (RUNS > 0) {
      // Warm-up round (page cache, registries' first bcrypt, docker's first start), discarded.
      for (const [, job] of jobs) await job();
      for (const list of Object.values(results)) list.length = 0;
      for (const c of compared.values()) {
        c.auto.length = 0;
        c.docker.length = 0;
      }
      for (let i = 0; i < RUNS; i++) {
        // Rotate the order each round so no kind always runs right after another.
        for (let j = 0; j < jobs.length; j++) await (jobs[(i + j) % jobs.length]?.[1] ?? (async () => {}))();
        process.stderr.write(`\rround ${i + 1}/${RUNS}`);
      }
      process.stderr.write('\n');

      const row = (label: string, xs: number[]) =>
        `  ${pad(label, 46)} ${lpad(ms(median(xs)), 8)} ${lpad(ms(percentile(xs, 90)), 8)} ${lpad(ms(Math.min(...xs)), 8)}`;
      console.log(`  ${pad('', 46)} ${lpad('median', 8)} ${lpad('p90', 8)} ${lpad('min', 8)}`);
      console.log(row('S1 ours, default settings (login-method auto)', results.auto));
      console.log(row('S1 ours, login-method: docker', results.docker));
      console.log(row('floor (a) physical', results.floorA));
      console.log(row('floor (b) docker CLI', results.floorB));
      console.log(row('  of which 6 docker login + 6 docker logout', results.dockerCommands));
      console.log(row('  one bare `node -e 0` start', results.node));
      const r1 = median(results.auto) / median(results.floorA);
      const r2 = median(results.docker) / median(results.floorB);
      console.log(
        `\n  ratio auto / floor (a)     ${r1.toFixed(2)}x   target <= 1.5x: ${r1 <= 1.5 ? 'met' : 'MISSED'}` +
          `\n  ratio docker / floor (b)   ${r2.toFixed(2)}x   target <= 1.1x: ${r2 <= 1.1 ? 'met' : 'MISSED'}`,
      );
      for (const [dir, c] of compared) {
        const d = (xs: number[], base: number[]) =>
          `${median(xs) - median(base) >= 0 ? '+' : ''}${ms(median(xs) - median(base))}`;
        console.log(`\n  compared: ${dir}`);
        console.log(
          `${row('S1 auto', c.auto)}   ${d(c.auto, results.auto)} vs ours, ${(median(c.auto) / median(results.floorA)).toFixed(2)}x floor (a)`,
        );
        console.log(
          `${row('S1 docker', c.docker)}   ${d(c.docker, results.docker)} vs ours, ${(median(c.docker) / median(results.floorB)).toFixed(2)}x floor (b)`,
        );
      }
    }

    console.log('\nbundles:');
    for (const l of bundleSizes(actionDir)) console.log(l);

    if (TRACE_RUNS > 0) {
      const samples = {
        auto: [] as { main: Record<string, number>; post: Record<string, number> }[],
        docker: [] as { main: Record<string, number>; post: Record<string, number> }[],
      };
      for (let i = 0; i < TRACE_RUNS; i++) {
        samples.auto.push(await traced(actionDir, ecr, 'auto', preload, work));
        samples.docker.push(await traced(actionDir, ecr, 'docker', preload, work));
      }
      const show = (title: string, phs: [string, number][]) => {
        const total = phs.reduce((a, [, v]) => a + v, 0);
        console.log(`\n${title} (median of ${TRACE_RUNS} traced runs; phases sum to ${ms(total)}):`);
        for (const [name, v] of phs) console.log(`  ${lpad(ms(v), 7)}  ${name}`);
      };
      show('main, login-method auto', medianPhases(samples.auto.map((s) => s.main)));
      show('post, login-method auto', medianPhases(samples.auto.map((s) => s.post)));
      show('main, login-method docker', medianPhases(samples.docker.map((s) => s.main)));
      show('post, login-method docker', medianPhases(samples.docker.map((s) => s.post)));

      const sdk = await sdkBreakdown(ecr, TRACE_RUNS).catch((e: Error) => `failed: ${e.message}`);
      console.log(
        '\nthe SDK alone (src/token-api.ts clientConfig + @aws-sdk/client-ecr, tree-shaken esbuild bundle, fresh process):',
      );
      if (typeof sdk === 'string') console.log(`  ${sdk}`);
      else for (const [name, v] of sdk) console.log(`  ${lpad(ms(v), 7)}  ${name}`);
    }

    if (args['cpu-prof']) {
      console.log('\nmain CPU profile, self time by script / package:');
      for (const l of await cpuProfile(actionDir, ecr, args['cpu-prof'])) console.log(`  ${l}`);
    }
    console.log(`\nload average at the end: ${load()}`);
  } finally {
    await ecr.close();
    await Promise.all(regs.map((r) => r.close()));
    await rm(work, { recursive: true, force: true });
    await rm(actionDir, { recursive: true, force: true });
    for (const c of compared.values()) await rm(c.dir, { recursive: true, force: true });
  }
}

await main();
