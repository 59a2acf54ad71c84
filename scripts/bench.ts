// `npm run bench`: how long job S1 takes against what the work physically needs. Not a test: it prints numbers.
//
// Job S1: main + post logging in to 2 accounts x 3 regions (6 registries) through the runner emulator, against
// the loopback ECR stand-in (100 ms per call) and real registries (docker-registry). Each round measures,
// in rotating order so all share the machine's noise:
//   S1 auto      main + post with login-method auto, as the runner times steps (spawn → exit of each)
//   S1 docker    the same with login-method docker (every login through `docker login`)
//   floor (a)    physical: 2 bare `node -e 0` starts + one API round trip + one parallel GET /v2/ per registry
//   floor (b)    docker CLI: (a) + 6 `docker login --password-stdin` + 6 `docker logout`, run directly
// and, for login-method helper, the helper's cached `get` against a bare `node -e 0` (scripts/bench-helper.ts).
// Median and p90 (nearest rank) of N rounds after one discarded warm-up round.
//
//   npm run bench -- [--runs N] [--latency MS] [--node-options="..."]   (docs/performance.md: profiling)
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { dieWithParent } from '../__tests__/support/daemon.js';
import { type EcrStandIn, startEcrStandIn } from '../__tests__/support/ecr-stand-in.js';
import { type Registry, startRegistries } from '../__tests__/support/registry.js';
import { runAction } from '../__tests__/support/runner.js';
import { findTool } from '../__tests__/support/tools.js';
import { benchHelperGet } from './bench-helper.js';

const { values: args } = parseArgs({
  options: {
    runs: { type: 'string', default: '15' },
    latency: { type: 'string', default: '100' },
    /** NODE_OPTIONS for the action's steps only, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof". */
    'node-options': { type: 'string' },
  },
});
const RUNS = Number(args.runs);
const LATENCY_MS = Number(args.latency);
if (!(RUNS >= 1 && LATENCY_MS >= 0)) throw new Error('--runs must be at least 1, --latency at least 0');

const ACCOUNTS = ['111111111111', '222222222222'];
const REGIONS = ['us-east-1', 'eu-west-1', 'ap-southeast-2'];
const SITES = ACCOUNTS.flatMap((account) => REGIONS.map((region) => ({ account, region })));
const PASSWORDS = SITES.map((s) => `bench-${s.account}-${s.region}`);
const REGISTRIES_INPUT = SITES.map((s) => `${s.account}.dkr.ecr.${s.region}.amazonaws.com`).join('\n');

const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
const percentile = (xs: number[], p: number) =>
  sorted(xs)[Math.max(0, Math.ceil((p / 100) * xs.length) - 1)] ?? 0;
const median = (xs: number[]) => percentile(xs, 50);
const ms = (x: number) => `${x.toFixed(0)} ms`.padStart(8);

function run(command: string, argv: string[], env?: NodeJS.ProcessEnv, input?: string): Promise<void> {
  const stdin = input === undefined ? 'ignore' : 'pipe';
  const child: ChildProcess = spawn(command, argv, { env, stdio: [stdin, 'ignore', 'pipe'] });
  // A process that exits without reading its input is judged by its exit code, not by EPIPE.
  child.stdin?.on('error', () => {});
  child.stdin?.end(input);
  let err = '';
  child.stderr?.on('data', (b: Buffer) => {
    err += b.toString();
  });
  return new Promise((done, fail) => {
    child.once('error', fail);
    child.once('exit', (code) =>
      code === 0 ? done() : fail(new Error(`${command} ${argv[0]}: ${code} ${err}`)),
    );
  });
}

/** A bare node start, spawned the way the runner emulator spawns a step (same setpriv wrapper). */
const bareNode = () => run(...dieWithParent(process.execPath, ['-e', '0']));

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

/** What the action's work needs at least: two node starts, one API round trip, the proofs in parallel. */
async function floor(
  ecr: EcrStandIn,
  regs: Registry[],
  between: () => Promise<void>,
  after: () => Promise<void>,
) {
  const t0 = performance.now();
  await bareNode();
  const target = 'AmazonEC2ContainerRegistry_V20150921.GetAuthorizationToken';
  await httpCall(
    ecr.url,
    'POST',
    { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': target },
    '{}',
  );
  const statuses = await Promise.all(
    regs.map((r, i) =>
      httpCall(`${r.url}/v2/`, 'GET', {
        authorization: `Basic ${Buffer.from(`AWS:${PASSWORDS[i]}`).toString('base64')}`,
      }),
    ),
  );
  if (statuses.some((s) => s !== 200)) throw new Error(`GET /v2/ answered ${statuses.join(',')}`);
  await between();
  await bareNode();
  await after();
  return performance.now() - t0;
}

/** Floor (b): the six logins after the proofs, the six logouts after the second start, one at a time. */
async function dockerFloor(ecr: EcrStandIn, regs: Registry[]): Promise<number> {
  const dir = await mkdtemp(join(tmpdir(), 'ecr-login-bench-docker-'));
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir, DOCKER_CONFIG: join(dir, '.docker') };
  try {
    return await floor(
      ecr,
      regs,
      async () => {
        for (const [i, r] of regs.entries())
          await run('docker', ['login', '--username', 'AWS', '--password-stdin', r.host], env, PASSWORDS[i]);
      },
      async () => {
        for (const r of regs) await run('docker', ['logout', r.host], env);
      },
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** S1 through the runner emulator: main + post durations as the runner sees them. */
async function s1(ecr: EcrStandIn, method: 'auto' | 'docker'): Promise<number> {
  const job = await runAction({
    inputs: { registries: REGISTRIES_INPUT, 'login-method': method },
    env: {
      AWS_ACCESS_KEY_ID: 'AKIABENCHJOB00000001',
      AWS_SECRET_ACCESS_KEY: 'benchJobSecretKey0000000000000000000000',
      AWS_ENDPOINT_URL_ECR: ecr.url,
    },
    ...(args['node-options'] ? { stepEnv: { NODE_OPTIONS: args['node-options'] } } : {}),
  });
  try {
    const { main, post } = job;
    if (!main.succeeded || !post?.succeeded || main.outputs.registries?.split(',').length !== SITES.length)
      throw new Error(
        `S1 (${method}) failed:\n${main.stdout}${main.stderr}${post?.stdout ?? ''}${post?.stderr ?? ''}`,
      );
    return main.durationMs + post.durationMs;
  } finally {
    await job.cleanup();
  }
}

for (const tool of ['docker-registry', 'htpasswd', 'docker'])
  if (!findTool(tool)) throw new Error(`the bench needs ${tool} on PATH`);
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
const load = () =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');
console.log(
  `ecr-login bench: Node ${process.version}, ${process.platform}/${process.arch}, ${cpus().length} CPUs, load ${load()}\n` +
    `job S1: main + post, ${SITES.length} registries (${ACCOUNTS.length} accounts x ${REGIONS.length} regions), ` +
    `ECR stand-in latency ${LATENCY_MS} ms, real docker-registry, ${RUNS} runs + 1 warm-up\n`,
);
const results: Record<string, number[]> = { auto: [], docker: [], floorA: [], floorB: [] };
const measure: [keyof typeof results, () => Promise<number>][] = [
  ['auto', () => s1(ecr, 'auto')],
  ['docker', () => s1(ecr, 'docker')],
  [
    'floorA',
    () =>
      floor(
        ecr,
        regs,
        async () => {},
        async () => {},
      ),
  ],
  ['floorB', () => dockerFloor(ecr, regs)],
];
try {
  for (let i = -1; i < RUNS; i++) {
    // Round -1 warms up (page cache, the registries' first bcrypt, docker's first start) and is discarded.
    for (let j = 0; j < measure.length; j++) {
      const [name, job] = measure[(i + 1 + j) % measure.length] as (typeof measure)[number];
      const took = await job();
      if (i >= 0) results[name]?.push(took);
    }
    if (i >= 0) process.stderr.write(`\rround ${i + 1}/${RUNS}`);
  }
  process.stderr.write('\n');
  const row = (label: string, xs: number[] = []) =>
    `  ${label.padEnd(40)} ${ms(median(xs))} ${ms(percentile(xs, 90))}`;
  console.log(`  ${''.padEnd(40)} ${'median'.padStart(8)} ${'p90'.padStart(8)}`);
  console.log(row('S1, login-method auto', results.auto));
  console.log(row('S1, login-method docker', results.docker));
  console.log(row('floor (a) physical', results.floorA));
  console.log(row('floor (b) docker CLI', results.floorB));
  const ratio = (a: number[] = [], b: number[] = []) => (median(a) / median(b)).toFixed(2);
  console.log(`\n  auto / floor (a)     ${ratio(results.auto, results.floorA)}x   (target <= 1.5x)`);
  console.log(`  docker / floor (b)   ${ratio(results.docker, results.floorB)}x   (target <= 1.1x)`);
  // login-method helper: every client call starts the helper, so its cached answer is measured on its own.
  const helper = await benchHelperGet(process.cwd(), RUNS * 2);
  console.log(
    `\n  helper get from the cache ${ms(helper.getMs)} vs node -e 0 ${ms(helper.bareMs)}: ` +
      `${helper.ratio.toFixed(2)}x   (target <= 1.5x)`,
  );
  console.log(`\nload average at the end: ${load()}`);
} finally {
  await ecr.close();
  await Promise.all(regs.map((r) => r.close()));
}
