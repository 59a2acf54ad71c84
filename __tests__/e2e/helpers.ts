// Shared fixtures for the end-to-end suites: a "world" of real parts (one REAL docker-registry per
// account x region, the loopback ECR / ECR Public / STS stand-ins, optionally a real TLS "public.ecr.aws"
// behind a CONNECT proxy), a job with a seeded docker config, and the checks every scenario makes: the
// stored credentials really open their registries, post leaves nothing of ours and everything of the
// user's, and no secret leaks into logs or files.
//
//   const world = await startWorld({ accounts: [A1, A2], regions: ['us-east-1', 'eu-west-1'] });
//   const job = await newJob({ seed: { auths: { 'ghcr.io': { auth: 'eDp5' } } } });
//   const run = await runJob(world, job, { inputs: { registries: world.hosts().join(',') } });
//   await expectLoggedIn(world, JSON.parse(run.configAfterMain ?? '{}'), world.loginHosts());
//   await expectRestored(job, world.loginHosts());
//   assertNoSecrets(run, world.secrets, { configFiles: [job.configFile] });
//   await job.cleanup(); await world.close();
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { type PublicEcr, type PublicEcrOptions, startPublicEcr } from '../support/connect-proxy.js';
import {
  type EcrAccount,
  type EcrFaults,
  type EcrStandIn,
  type EcrStandInConfig,
  ecrPassword,
  startEcrStandIn,
  tokenFor,
} from '../support/ecr-stand-in.js';
import { checkAuth, type Registry, startRegistry } from '../support/registry.js';
import {
  type ActionRun,
  createWorkspace,
  type RunActionOptions,
  runAction,
  runStep,
  type StepOptions,
  type StepResult,
  type Workspace,
} from '../support/runner.js';
import { type SecretViolation, scanForSecrets } from '../support/secret-scan.js';
import { type StsStandIn, type StsStandInConfig, startStsStandIn } from '../support/sts-stand-in.js';
import { findTool, requireTool } from '../support/tools.js';

export const ACCOUNTS = ['111111111111', '222222222222', '333333333333', '012345678901'] as const;

/** Dummy static keys: the stand-ins check the SigV4 shape, never the secret. No real AWS is reachable. */
export const DUMMY_AWS_ENV: Record<string, string> = {
  AWS_ACCESS_KEY_ID: 'AKIAE2EDUMMYKEY00001',
  AWS_SECRET_ACCESS_KEY: 'e2e-dummy-secret-access-key-not-real',
  AWS_EC2_METADATA_DISABLED: 'true',
};

/** true when real registries can run here (throws in CI when they cannot: a missing part is a failure). */
export function realRegistriesAvailable(): boolean {
  return requireTool('docker-registry') && requireTool('htpasswd');
}

export type LoginMethod = 'auto' | 'docker';

/** The login methods a scenario runs with: auto, and docker where the real docker CLI is here. */
export function loginMethods(): LoginMethod[] {
  return requireTool('docker') ? ['auto', 'docker'] : ['auto'];
}

/** The standard ECR host of an account in a region (what a user writes in `registries`). */
export function ecrHost(account: string, region: string): string {
  return `${account}.dkr.ecr.${region}.amazonaws.com`;
}

export interface WorldRegistry {
  account: string;
  region: string;
  /** `${account}/${region}`, the stand-in's key. */
  key: string;
  /** <account>.dkr.ecr.<region>.amazonaws.com: the item to put in `registries`. */
  ecrHost: string;
  /** What the action logs in to (the stand-in's proxyEndpoint host): 127.0.0.1:<port>, a docker config key. */
  loginHost: string;
  url: string;
  /** The password the registry's htpasswd accepts. */
  password: string;
  /** The password the stand-in hands out (differs from `password` for a `rejectedBy` registry). */
  tokenPassword: string;
  /** The running registry (undefined in a `registries: false` world). */
  registry?: Registry;
}

export interface WorldOptions {
  /** Default [ACCOUNTS[0]]. */
  accounts?: readonly string[];
  /** Default ['us-east-1']. */
  regions?: readonly string[];
  /** `${account}/${region}` keys whose registry refuses the stand-in's token (a 401: different passwords). */
  rejectedBy?: readonly string[];
  /** Start "public.ecr.aws" (a real TLS registry behind a CONNECT proxy) and the ECR Public token. */
  public?: boolean | Omit<PublicEcrOptions, 'password'>;
  /** Fault knobs for the ECR stand-in (also settable later on world.ecr.config). */
  faults?: EcrFaults;
  /** The caller's own account (the default registry); default the first account. */
  defaultAccount?: string;
  /** Anything else for the ECR stand-in (defaultAccountFor, principalArn, tokenTtlSeconds, …). */
  standIn?: Partial<EcrStandInConfig>;
  /** The STS stand-in's config (always started, so no call can reach real STS). */
  sts?: StsStandInConfig;
  /** false: no real registries (input tests); proxyEndpoints then point at a closed port. Default true. */
  registries?: boolean;
  /** One password for every registry (and its token); default a random one each. */
  password?: string;
  /** Registry passwords (and so tokens) of this many characters, as real ECR issues (ECR_PASSWORD_LENGTH). */
  passwordLength?: number;
}

export interface World {
  ecr: EcrStandIn;
  sts: StsStandIn;
  public?: PublicEcr;
  registries: WorldRegistry[];
  /** The registry of an account in a region (throws when the world has none). */
  get(account: string, region: string): WorldRegistry;
  /** ECR hosts to list in `registries`, in world order (accounts within regions), optionally filtered. */
  hosts(filter?: (r: WorldRegistry) => boolean): string[];
  /** Login hosts (docker config keys), same order and filter as hosts(). */
  loginHosts(filter?: (r: WorldRegistry) => boolean): string[];
  /** Env for runAction / runJob: dummy keys, the stand-ins' endpoints (AWS_ENDPOINT_URL_*), and with
   *  `public` the proxy (HTTPS_PROXY, NO_PROXY for loopback) and the CA. No proxy variable otherwise. */
  env: Record<string, string>;
  /** Every secret form the stand-ins hand out: each password and its base64("AWS:" + password). */
  secrets: string[];
  /** The password the stand-in hands out for a login host (a world registry's or public.ecr.aws). */
  tokenPasswordOf(loginHost: string): string;
  /** GET /v2/ of a docker-config host with a stored `auth` (base64 user:password): 200 = it works. */
  checkStoredAuth(host: string, auth: string): Promise<number>;
  close(): Promise<void>;
}

const shortPassword = (label: string) => `${label}-${randomBytes(12).toString('base64url')}`;

/** Secret forms of one password as the token API hands it out: the password, base64("AWS:" + password). */
export function secretForms(pw: string, username = 'AWS'): string[] {
  return [...new Set([pw, tokenFor(pw), Buffer.from(`${username}:${pw}`).toString('base64')])];
}

export async function startWorld(opts: WorldOptions = {}): Promise<World> {
  const accounts = opts.accounts ?? [ACCOUNTS[0]];
  const regions = opts.regions ?? ['us-east-1'];
  const rejected = new Set(opts.rejectedBy ?? []);
  const wantRegistries = opts.registries ?? true;
  const { passwordLength } = opts;
  const password = (label: string) =>
    passwordLength === undefined ? shortPassword(label) : ecrPassword(passwordLength);
  const specs = regions.flatMap((region) =>
    accounts.map((account) => ({ account, region, key: `${account}/${region}` })),
  );
  const started: { close(): Promise<void> }[] = [];
  const closeAll = async () => {
    await Promise.allSettled(started.reverse().map((s) => s.close()));
  };
  try {
    const registries: WorldRegistry[] = await Promise.all(
      specs.map(async (s) => {
        const pw = opts.password ?? password(`reg-${s.account}-${s.region}`);
        const tokenPassword = rejected.has(s.key) ? password(`wrong-${s.account}-${s.region}`) : pw;
        if (!wantRegistries) {
          const url = 'http://127.0.0.1:9';
          return {
            ...s,
            ecrHost: ecrHost(s.account, s.region),
            loginHost: '127.0.0.1:9',
            url,
            password: pw,
            tokenPassword,
          };
        }
        const registry = await startRegistry({ password: pw });
        started.push(registry);
        return {
          ...s,
          ecrHost: ecrHost(s.account, s.region),
          loginHost: registry.host,
          url: registry.url,
          password: pw,
          tokenPassword,
          registry,
        };
      }),
    );
    const publicOpts = opts.public === true ? {} : opts.public || undefined;
    const publicPassword = password('public');
    const pub = publicOpts ? await startPublicEcr({ ...publicOpts, password: publicPassword }) : undefined;
    if (pub) started.push(pub);

    const standInAccounts: Record<string, EcrAccount> = Object.fromEntries(
      registries.map((r) => [r.key, { proxyEndpoint: r.url, password: r.tokenPassword }]),
    );
    const ecr = await startEcrStandIn({
      accounts: standInAccounts,
      defaultAccount: opts.defaultAccount ?? accounts[0] ?? '',
      ...(pub ? { public: { password: publicPassword } } : {}),
      ...opts.faults,
      ...opts.standIn,
    });
    started.push(ecr);
    const sts = await startStsStandIn(opts.sts ?? {});
    started.push(sts);

    const env: Record<string, string> = {
      ...DUMMY_AWS_ENV,
      AWS_ENDPOINT_URL_ECR: ecr.url,
      AWS_ENDPOINT_URL_ECR_PUBLIC: ecr.url,
      AWS_ENDPOINT_URL_STS: sts.url,
      // With `public`: HTTPS_PROXY (the CONNECT proxy), NO_PROXY for loopback, the CA for node and Go.
      ...pub?.env,
    };
    const secrets = [
      ...new Set([
        ...registries.flatMap((r) => [...secretForms(r.password), ...secretForms(r.tokenPassword)]),
        ...(pub ? secretForms(publicPassword) : []),
      ]),
    ];
    const byKey = new Map(registries.map((r) => [r.key, r]));
    const get = (account: string, region: string) => {
      const r = byKey.get(`${account}/${region}`);
      if (!r) throw new Error(`the world has no registry for ${account} in ${region}`);
      return r;
    };
    const pick = (filter?: (r: WorldRegistry) => boolean) => registries.filter((r) => !filter || filter(r));
    return {
      ecr,
      sts,
      ...(pub ? { public: pub } : {}),
      registries,
      get,
      hosts: (filter) => pick(filter).map((r) => r.ecrHost),
      loginHosts: (filter) => pick(filter).map((r) => r.loginHost),
      env,
      secrets,
      tokenPasswordOf(loginHost) {
        if (pub && (loginHost === 'public.ecr.aws' || loginHost === 'ecr-public.aws.com'))
          return publicPassword;
        const r = registries.find((x) => x.loginHost === loginHost);
        if (!r) throw new Error(`tokenPasswordOf: ${loginHost} is not a world registry`);
        return r.tokenPassword;
      },
      async checkStoredAuth(host, auth) {
        const decoded = Buffer.from(auth, 'base64').toString('utf8');
        const colon = decoded.indexOf(':');
        const [user, pw] = [decoded.slice(0, colon), decoded.slice(colon + 1)];
        if (pub && (host === 'public.ecr.aws' || host === 'ecr-public.aws.com')) {
          return pub.checkAuth(user, pw, host);
        }
        if (!/^127\.0\.0\.1:\d+$/.test(host))
          throw new Error(`checkStoredAuth: ${host} is not a world registry`);
        return checkAuth(`http://${host}`, user, pw);
      },
      close: closeAll,
    };
  } catch (err) {
    await closeAll();
    throw err;
  }
}

// ---------------------------------------------------------------------------------------------------
// Jobs: a runner workspace with a (seeded) docker config
// ---------------------------------------------------------------------------------------------------

export type DockerConfigJson = Record<string, unknown> & {
  auths?: Record<string, { auth?: string; [k: string]: unknown }>;
};

export interface Job {
  workspace: Workspace;
  /** The docker config dir the step uses ($DOCKER_CONFIG when given, else $HOME/.docker). */
  configDir: string;
  configFile: string;
  /** Exactly what was written, or undefined for no file. */
  seedText?: string;
  seed?: DockerConfigJson;
  /** Env to run the job with (DOCKER_CONFIG when `dockerConfigDir` was set). */
  env: Record<string, string>;
  cleanup(): Promise<void>;
}

export interface JobOptions {
  /** An object (written tab-indented with a final newline, as the action writes) or exact text. */
  seed?: DockerConfigJson | string;
  /** Use DOCKER_CONFIG=<this dir> (relative to the job root) instead of $HOME/.docker. */
  dockerConfigDir?: string;
  /** Reuse a workspace (e.g. two jobs sharing one HOME on a self-hosted runner). */
  workspace?: Workspace;
}

export async function newJob(opts: JobOptions = {}): Promise<Job> {
  const workspace = opts.workspace ?? (await createWorkspace());
  const configDir = opts.dockerConfigDir
    ? join(workspace.root, opts.dockerConfigDir)
    : join(workspace.home, '.docker');
  const configFile = join(configDir, 'config.json');
  let seedText: string | undefined;
  if (opts.seed !== undefined) {
    seedText = typeof opts.seed === 'string' ? opts.seed : `${JSON.stringify(opts.seed, null, '\t')}\n`;
    await mkdir(configDir, { recursive: true, mode: 0o700 });
    await writeFile(configFile, seedText, { mode: 0o600 });
  }
  return {
    workspace,
    configDir,
    configFile,
    ...(seedText !== undefined ? { seedText, seed: JSON.parse(seedText) as DockerConfigJson } : {}),
    env: opts.dockerConfigDir ? { DOCKER_CONFIG: configDir } : {},
    cleanup: opts.workspace ? async () => {} : () => workspace.cleanup(),
  };
}

export type JobRunOptions = Omit<RunActionOptions, 'workspace' | 'actionDir'>;

export interface JobRun extends ActionRun {
  /** The docker config text right after main (undefined: no file), i.e. what later steps of the job see. */
  configAfterMain: string | undefined;
}

/**
 * main, a look at the docker config, then post (as the runner schedules it: post-if always()), in the job,
 * with the world's env (+ the job's and yours) and RUNNER_DEBUG=1 unless debug: false.
 */
export async function runJob(world: Pick<World, 'env'>, job: Job, opts: JobRunOptions = {}): Promise<JobRun> {
  const steps = opts.steps ?? ['main', 'post'];
  const common: Omit<StepOptions, 'step'> = {
    workspace: job.workspace,
    debug: opts.debug ?? true,
    env: { ...world.env, ...job.env, ...opts.env },
    ...(opts.inputs ? { inputs: opts.inputs } : {}),
    ...(opts.stepEnv ? { stepEnv: opts.stepEnv } : {}),
    ...(opts.runnerOs ? { runnerOs: opts.runnerOs } : {}),
    ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}),
  };
  const main = await runStep({ step: 'main', ...common });
  const configAfterMain = await readJobConfigText(job);
  const run: JobRun = { main, workspace: job.workspace, cleanup: job.cleanup, configAfterMain };
  if (steps.includes('post') && job.workspace.action.post)
    run.post = await runStep({ step: 'post', ...common });
  return run;
}

export interface MainRuns {
  /** The world (from beforeAll on). */
  readonly world: World;
  readonly ecr: EcrStandIn;
  readonly sts: StsStandIn;
  /** The default account's registry (the first account's, in the first region). */
  readonly registry: WorldRegistry;
  /** main alone, in a fresh job removed after the test. Env: the first region, the ECR and STS stand-ins'
   *  endpoints, no instance metadata; then `env(world)`; then the call's own. */
  run(opts?: RunActionOptions): Promise<ActionRun>;
}

/**
 * For a describe block of main-only runs (diagnosis, proxy): registers the hooks that start a world before
 * its tests and close it after them, and remove each test's jobs after it.
 */
export function useMainRuns(opts: WorldOptions, env: (world: World) => Record<string, string>): MainRuns {
  let started: World | undefined;
  const runs: ActionRun[] = [];
  beforeAll(async () => {
    started = await startWorld(opts);
  });
  afterEach(async () => {
    await Promise.all(runs.splice(0).map((r) => r.cleanup()));
  });
  afterAll(async () => {
    await started?.close();
  });
  const world = () => {
    if (!started) throw new Error('useMainRuns: the world starts in beforeAll');
    return started;
  };
  return {
    get world() {
      return world();
    },
    get ecr() {
      return world().ecr;
    },
    get sts() {
      return world().sts;
    },
    get registry() {
      const r = world().registries[0];
      if (!r) throw new Error('useMainRuns: the world has no registry');
      return r;
    },
    run: async (o = {}) => {
      const w = world();
      const r = await runAction({
        steps: ['main'],
        ...o,
        env: {
          AWS_REGION: opts.regions?.[0] ?? 'us-east-1',
          AWS_ENDPOINT_URL_ECR: w.ecr.url,
          AWS_ENDPOINT_URL_STS: w.sts.url,
          AWS_EC2_METADATA_DISABLED: 'true',
          ...env(w),
          ...o.env,
        },
      });
      runs.push(r);
      return r;
    },
  };
}

export async function readJobConfigText(job: Job): Promise<string | undefined> {
  return readFile(job.configFile, 'utf8').catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return undefined;
    throw e;
  });
}

/** A docker config text as JSON ({} for none). */
export function parseConfig(text: string | undefined): DockerConfigJson {
  return text === undefined || text.trim() === '' ? {} : (JSON.parse(text) as DockerConfigJson);
}

/** The step-output name suffix for a host, as the official action forms it (docker_password_<this>). */
export function outputKey(host: string): string {
  return host.replace(/[^a-zA-Z0-9_]+/g, '_');
}

export async function readJobConfig(job: Job): Promise<DockerConfigJson> {
  return parseConfig(await readJobConfigText(job));
}

// ---------------------------------------------------------------------------------------------------
// Checks
// ---------------------------------------------------------------------------------------------------

/** The `::error::` messages of a step (unescaped). */
export function errorsOf(step: StepResult | undefined): string[] {
  return (step?.commands ?? []).filter((c) => c.name === 'error').map((c) => c.message);
}

/** The `::add-mask::` values of a step, in order. */
export function masksOf(step: StepResult | undefined): string[] {
  return (step?.commands ?? []).filter((c) => c.name === 'add-mask').map((c) => c.message);
}

/** The step succeeded (else the failure shows its masked log and the runner's messages). */
export function expectOk(step: StepResult): void {
  expect(step.succeeded, `${step.step} failed:\n${step.maskedLog}\n${step.runnerMessages.join('\n')}`).toBe(
    true,
  );
}

/** Nothing the step printed (stdout, stderr, the job summary) holds any of `secrets`. */
export function expectNotPrinted(step: StepResult, secrets: readonly string[]): void {
  const all = `${step.stdout}\n${step.stderr}\n${step.summary}`;
  for (const s of secrets) expect(all).not.toContain(s);
}

/** A step ran as the runner would call clean: no orphans, no file-command errors, no unexpected inputs. */
export function expectCleanStep(step: StepResult | undefined): void {
  expect(step, 'step did not run').toBeDefined();
  expect(step?.timedOut).toBe(false);
  expect(step?.orphanProcesses).toBe(false);
  expect(step?.runnerMessages).toEqual([]);
}

/** Each host has an `auths` entry whose decoded credential really answers 200 at its registry's /v2/. */
export async function expectLoggedIn(world: World, config: DockerConfigJson, hosts: readonly string[]) {
  for (const host of hosts) {
    const auth = config.auths?.[host]?.auth;
    expect(auth, `no auths entry for ${host}`).toEqual(expect.any(String));
    expect(await world.checkStoredAuth(host, auth ?? ''), `stored credential for ${host}`).toBe(200);
  }
}

/** None of `hosts` has an `auths` entry (any key spelling: scheme, trailing path, case). */
export function expectNoCredentials(config: DockerConfigJson, hosts: readonly string[]): void {
  const wanted = new Set(hosts.map((h) => h.toLowerCase()));
  const ours = Object.keys(config.auths ?? {}).filter((k) =>
    wanted.has(
      k
        .replace(/^https?:\/\//i, '')
        .replace(/\/.*$/, '')
        .toLowerCase(),
    ),
  );
  expect(ours, 'credentials left behind').toEqual([]);
}

/** Every entry of the seed is still there, unchanged (other auths, credHelpers, proxies, unknown keys). */
export function expectSeedKept(seed: DockerConfigJson | undefined, config: DockerConfigJson): void {
  if (!seed) return;
  for (const [key, value] of Object.entries(seed)) {
    if (key === 'auths') {
      for (const [host, entry] of Object.entries(seed.auths ?? {})) {
        expect(config.auths?.[host], `auths["${host}"]`).toEqual(entry);
      }
    } else {
      expect(config[key], `top-level key "${key}"`).toEqual(value);
    }
  }
}

/** After post: nothing of ours left and the config is the seed again (an empty `auths` may stay behind). */
export async function expectRestored(job: Job, ourHosts: readonly string[]): Promise<DockerConfigJson> {
  const config = await readJobConfig(job);
  expectNoCredentials(config, ourHosts);
  const expected: DockerConfigJson = { ...(job.seed ?? {}) };
  const actual: DockerConfigJson = { ...config };
  if (!expected.auths && actual.auths && Object.keys(actual.auths).length === 0) delete actual.auths;
  expect(actual).toEqual(expected);
  return config;
}

export interface SecretScanOptions {
  /** Docker config files (the only files besides GITHUB_OUTPUT where a credential may be). Default: the
   *  job's config and the `docker-config` output's config.json. */
  configFiles?: string[];
  /** More files or directories to scan (the whole job root is always scanned). */
  extraFiles?: string[];
}

/**
 * The password, the token and base64("AWS:" + password) may appear only in their own `::add-mask::` line
 * (never before it, never on stderr), in GITHUB_OUTPUT (the docker_password_* outputs, as the official
 * action) and in the docker config. Everything else under the job root is scanned: RUNNER_TEMP, HOME,
 * GITHUB_STATE, GITHUB_ENV, GITHUB_PATH, the job summary. Main and post are scanned separately, so post
 * printing a secret at all is a violation.
 */
export function findSecretLeaks(
  run: ActionRun,
  secrets: readonly string[],
  opts: SecretScanOptions = {},
): SecretViolation[] {
  const steps = [run.main, run.post].filter((s): s is StepResult => !!s);
  const outputDir = run.main.outputs['docker-config'];
  const configFiles = opts.configFiles ?? [
    join(run.workspace.home, '.docker', 'config.json'),
    ...(outputDir ? [join(outputDir, 'config.json')] : []),
  ];
  const allowFiles = [...configFiles, ...steps.map((s) => s.env.GITHUB_OUTPUT ?? '').filter(Boolean)];
  const list = secrets.filter(Boolean) as string[];
  const violations: SecretViolation[] = [];
  for (const [i, step] of steps.entries()) {
    const found = scanForSecrets({
      stdout: step.stdout,
      stderr: step.stderr,
      secrets: list,
      // Files once (they are the job's, not a step's).
      ...(i === 0 ? { files: [run.workspace.root, ...(opts.extraFiles ?? [])], allowFiles } : {}),
    });
    violations.push(...found.map((v) => ({ ...v, where: `${step.step}:${v.where}` })));
  }
  return violations;
}

export function assertNoSecrets(
  run: ActionRun,
  secrets: readonly string[],
  opts: SecretScanOptions = {},
): void {
  expect(findSecretLeaks(run, secrets, opts)).toEqual([]);
}

/** PATH without any directory that holds `docker` (node is run by absolute path, so it keeps working). */
export function pathWithout(tool: string, path = process.env.PATH ?? ''): string {
  return path
    .split(delimiter)
    .filter((dir) => dir && !findTool(tool, dir))
    .join(delimiter);
}

/** Runs `fn` over `items` with at most `limit` at once; results in input order. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (t: T, i: number) => Promise<R>,
) {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < items.length; i = next++) out[i] = await fn(items[i] as T, i);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
