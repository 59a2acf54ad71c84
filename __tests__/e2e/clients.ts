// Real clients of a runner's docker config, for the end-to-end suites that check what a step leaves behind
// on a runner (no-docker, self-hosted, concurrency): REAL skopeo (containers/image: a non-docker client),
// a `docker` on PATH that wraps the REAL docker CLI (recording its calls, or slowing it down), a fake
// credential helper that records every call, a user's own docker config, and the bench those suites
// share: one REAL docker-registry per account behind the ECR stand-in (a world), a temp root, an empty
// XDG runtime dir and runner workspaces.
//
//   const bench = await startBench({ name: 'e2e-x', accounts: ['111111111111'], region: 'us-east-1',
//     accessKeyId: 'AKIAE2EXXXXXXXXXXXXX' });
//   const w = await bench.job();
//   const main = await bench.step(w, 'main', { registries: '111111111111' }, { path: '/usr/bin:/bin' });
//   expect(await skopeoView(bench.host(0), clientEnv({ home: w.home, xdg: bench.xdg }))).toBe('authenticated');
//   await bench.close();
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readdir, readFile, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'vitest';
import { makeTempDir, removeDir } from '../support/daemon.js';
import type { EcrStandIn } from '../support/ecr-stand-in.js';
import { createWorkspace, runStep, type StepResult, type Workspace } from '../support/runner.js';
import { findTool } from '../support/tools.js';
import { type DockerConfigJson, startWorld, type World } from './helpers.js';

export const b64 = (s: string) => Buffer.from(s).toString('base64');

/** The permission bits of a file or directory. */
export const fileMode = async (p: string) => (await stat(p)).mode & 0o777;

// ---------------------------------------------------------------------------------------------------
// Real programs
// ---------------------------------------------------------------------------------------------------

export interface ToolRun {
  /** The exit code (1 when the program ended without one, e.g. killed). */
  code: number;
  /** stdout, then stderr. */
  out: string;
}

/** Runs a real program with only `env`, for 30 s at most; never rejects. */
export function runTool(cmd: string, args: string[], env: Record<string, string>): Promise<ToolRun> {
  return new Promise<ToolRun>((resolve) => {
    execFile(cmd, args, { env, timeout: 30_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? Number((err as { code?: unknown }).code) || 1 : 0, out: `${stdout}${stderr}` }),
    );
  });
}

export interface ClientEnvOptions {
  /** The client's PATH; default this process's (or /usr/bin:/bin). */
  path?: string;
  home: string;
  /** XDG_RUNTIME_DIR: an empty directory, so no containers auth file is found there. */
  xdg: string;
  /** DOCKER_CONFIG, when set; otherwise the client looks in $HOME/.docker. */
  dockerConfig?: string;
}

/** Env for a client that reads docker config: only what we set (no REGISTRY_AUTH_FILE, an empty XDG runtime dir). */
export function clientEnv({ path, home, xdg, dockerConfig }: ClientEnvOptions): Record<string, string> {
  return {
    PATH: path ?? process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    XDG_RUNTIME_DIR: xdg,
    ...(dockerConfig ? { DOCKER_CONFIG: dockerConfig } : {}),
  };
}

/** skopeo inspect of a repository that does not exist: "manifest unknown" = authenticated, "unauthorized" = not. */
export async function skopeoView(
  host: string,
  env: Record<string, string>,
): Promise<'authenticated' | 'unauthorized'> {
  const r = await runTool(
    'skopeo',
    ['inspect', '--tls-verify=false', `docker://${host}/e2e/absent:latest`],
    env,
  );
  if (/manifest unknown/i.test(r.out)) return 'authenticated';
  if (/unauthorized|authentication required/i.test(r.out)) return 'unauthorized';
  throw new Error(`skopeo inspect ${host}: unexpected answer (exit ${r.code}): ${r.out}`);
}

/** Writes `<bin>/docker`: a shell script that runs `prelude`, then the real docker CLI with its arguments. */
export async function dockerWrapper(bin: string, prelude: string, realDocker: string): Promise<string> {
  await mkdir(bin, { recursive: true });
  const file = join(bin, 'docker');
  await writeFile(file, `#!/bin/sh\n${prelude}\nexec ${JSON.stringify(realDocker)} "$@"\n`);
  await chmod(file, 0o755);
  return file;
}

export interface RecordingDocker {
  /** The directory to put first on PATH. */
  bin: string;
  /** The argument lines of every call so far. */
  calls(): Promise<string[]>;
}

/** A `docker` on PATH that records its arguments (never the password: that goes in on stdin) and runs the real CLI. */
export async function recordingDocker(root: string): Promise<RecordingDocker> {
  const realDocker = findTool('docker');
  if (!realDocker) throw new Error('docker not found');
  const bin = join(root, 'docker-bin');
  const log = join(root, 'docker-calls.log');
  await writeFile(log, '');
  await dockerWrapper(bin, `printf '%s\\n' "$*" >> ${JSON.stringify(log)}`, realDocker);
  return {
    bin,
    calls: async () => (await readFile(log, 'utf8')).split('\n').filter(Boolean),
  };
}

export interface Helper {
  bin: string;
  /** Every call the docker CLI (or skopeo) made: op and stdin. */
  calls(): Promise<{ op: string; input: string }[]>;
  /** Secrets the helper holds, by server URL. */
  store(): Promise<Record<string, { ServerURL: string; Username: string; Secret: string }>>;
  seed(entries: Record<string, { Username: string; Secret: string }>): Promise<void>;
  reset(): Promise<void>;
}

/** `docker-credential-fake`: the credential-helper protocol (store|get|erase|list, JSON on stdin), recorded. */
export async function fakeHelper(root: string): Promise<Helper> {
  const bin = join(root, 'helper-bin');
  await mkdir(bin, { recursive: true });
  const log = join(root, 'helper-calls.jsonl');
  const storeFile = join(root, 'helper-store.json');
  const script = `#!${process.execPath}
const fs = require('node:fs');
const op = process.argv[2] || '';
const input = op === 'list' ? '' : fs.readFileSync(0, 'utf8');
fs.appendFileSync(${JSON.stringify(log)}, JSON.stringify({ op, input }) + '\\n');
let store = {};
try { store = JSON.parse(fs.readFileSync(${JSON.stringify(storeFile)}, 'utf8')); } catch {}
const save = () => fs.writeFileSync(${JSON.stringify(storeFile)}, JSON.stringify(store));
if (op === 'store') { const c = JSON.parse(input); store[c.ServerURL] = c; save(); }
else if (op === 'get') {
  const c = store[input.trim()];
  if (!c) { process.stdout.write('credentials not found in native keychain'); process.exit(1); }
  process.stdout.write(JSON.stringify(c));
} else if (op === 'erase') { delete store[input.trim()]; save(); }
else if (op === 'list') {
  process.stdout.write(JSON.stringify(Object.fromEntries(Object.values(store).map((c) => [c.ServerURL, c.Username]))));
} else { process.stdout.write('unknown op ' + op); process.exit(1); }
`;
  await writeFile(join(bin, 'docker-credential-fake'), script);
  await chmod(join(bin, 'docker-credential-fake'), 0o755);
  const readJson = async <T>(f: string, empty: T): Promise<T> =>
    existsSync(f) ? (JSON.parse(await readFile(f, 'utf8')) as T) : empty;
  const helper: Helper = {
    bin,
    calls: async () =>
      existsSync(log)
        ? (await readFile(log, 'utf8'))
            .split('\n')
            .filter(Boolean)
            .map((l) => JSON.parse(l) as { op: string; input: string })
        : [],
    store: () => readJson(storeFile, {}),
    seed: (entries) =>
      writeFile(
        storeFile,
        JSON.stringify(
          Object.fromEntries(Object.entries(entries).map(([url, c]) => [url, { ServerURL: url, ...c }])),
        ),
      ),
    reset: async () => {
      await writeFile(log, '');
      await writeFile(storeFile, '{}');
    },
  };
  await helper.reset();
  return helper;
}

// ---------------------------------------------------------------------------------------------------
// The user's docker config
// ---------------------------------------------------------------------------------------------------

export type ClientConfig = DockerConfigJson & { credsStore?: string; credHelpers?: Record<string, string> };

/** `<dir>/config.json`, parsed. */
export const readConfig = async (dir: string) =>
  JSON.parse(await readFile(join(dir, 'config.json'), 'utf8')) as ClientConfig;

export interface UserConfig {
  dir: string;
  file: string;
  bytes: Buffer;
  mtimeMs: number;
}

/**
 * Writes a user's `<home>/.docker/config.json` (the directory 0700, the file `fileMode`, JSON indented by
 * `space`, a final newline) with an old mtime: any rewrite, even of identical bytes, would show.
 */
export async function writeUserConfig(
  home: string,
  config: unknown,
  { fileMode = 0o600, space = 2 }: { fileMode?: number; space?: number } = {},
): Promise<UserConfig> {
  const dir = join(home, '.docker');
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const file = join(dir, 'config.json');
  await writeFile(file, `${JSON.stringify(config, null, space)}\n`);
  await chmod(file, fileMode);
  const past = new Date('2024-01-02T03:04:05Z');
  await utimes(file, past, past);
  return { dir, file, bytes: await readFile(file), mtimeMs: (await stat(file)).mtimeMs };
}

/** The user's config is byte for byte what was written, never rewritten, and alone in its directory. */
export async function expectUntouched(user: UserConfig): Promise<void> {
  expect((await readFile(user.file)).equals(user.bytes)).toBe(true);
  expect((await stat(user.file)).mtimeMs).toBe(user.mtimeMs);
  expect(await readdir(user.dir)).toEqual(['config.json']);
}

// ---------------------------------------------------------------------------------------------------
// The bench: registries behind the ECR stand-in, and jobs run against them
// ---------------------------------------------------------------------------------------------------

export interface BenchOptions {
  /** The temp root's name (makeTempDir prefix). */
  name: string;
  /** One REAL registry each, in `region`; the first is the default account. */
  accounts: readonly string[];
  region: string;
  /** The dummy AWS key the steps sign with. */
  accessKeyId: string;
}

export interface StepRunOptions {
  /** The step's PATH. */
  path: string;
  /** More env for the step (e.g. a shared HOME). */
  env?: Record<string, string>;
  timeoutMs?: number;
}

export interface Bench {
  world: World;
  ecr: EcrStandIn;
  /** A temp dir for the suite's own files (bins, logs, copies); close() removes it. */
  root: string;
  /** An empty XDG_RUNTIME_DIR (0700) for clients. */
  xdg: string;
  /** The login host (127.0.0.1:<port>) of the i-th account's registry. */
  host(i: number): string;
  /** The password of the i-th account's registry (the one its token carries). */
  password(i: number): string;
  /** A runner workspace (own HOME, RUNNER_TEMP and file commands); close() removes it. */
  job(): Promise<Workspace>;
  /** `n` separate workspaces, made at once. */
  jobs(n: number): Promise<Workspace[]>;
  /** Runs main or post in `w`: AWS pointed at the ECR stand-in, PATH and the rest as given. */
  step(
    w: Workspace,
    name: 'main' | 'post',
    inputs: Record<string, string>,
    opts: StepRunOptions,
  ): Promise<StepResult>;
  close(): Promise<void>;
}

export async function startBench(opts: BenchOptions): Promise<Bench> {
  const world = await startWorld({ accounts: opts.accounts, regions: [opts.region] });
  const workspaces: Workspace[] = [];
  let root = '';
  const close = async () => {
    await world.close();
    await Promise.all(workspaces.map((w) => w.cleanup()));
    if (root) await removeDir(root);
  };
  try {
    root = await makeTempDir(opts.name);
    const xdg = join(root, 'xdg-runtime');
    await mkdir(xdg, { recursive: true, mode: 0o700 });
    return {
      world,
      ecr: world.ecr,
      root,
      xdg,
      host: (i) => world.registries[i]?.loginHost ?? '',
      password: (i) => world.registries[i]?.password ?? '',
      async job() {
        const w = await createWorkspace();
        workspaces.push(w);
        return w;
      },
      async jobs(n) {
        const ws = await Promise.all(Array.from({ length: n }, () => createWorkspace()));
        workspaces.push(...ws);
        return ws;
      },
      step: (w, name, inputs, { path, env, timeoutMs }) =>
        runStep({
          step: name,
          workspace: w,
          inputs,
          env: {
            PATH: path,
            AWS_ACCESS_KEY_ID: opts.accessKeyId,
            AWS_SECRET_ACCESS_KEY: 'e2e-not-a-secret',
            AWS_REGION: opts.region,
            AWS_ENDPOINT_URL_ECR: world.ecr.url,
            AWS_EC2_METADATA_DISABLED: 'true',
            ...env,
          },
          ...(timeoutMs !== undefined ? { timeoutMs } : {}),
        }),
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}
