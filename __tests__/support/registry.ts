// A REAL Docker registry (Debian's docker-registry, distribution 2.8) on 127.0.0.1 with htpasswd auth,
// standing in for <account>.dkr.ecr.<region>.amazonaws.com: a `docker login` with the password the ECR
// stand-in hands out really succeeds or fails against it.
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type Daemon, freePort, makeTempDir, removeDir, spawnDaemon, waitFor } from './daemon.js';

export { requireTool } from './tools.js';

export interface Registry {
  /** host:port as docker config keys and image refs name it, e.g. 127.0.0.1:5001 */
  host: string;
  url: string;
  port: number;
  /** The registry process id (lets tests prove close() left nothing behind). */
  pid: number;
  /** Its temp dir (config, htpasswd, storage); close() removes it. */
  dir: string;
  username: string;
  password: string;
  close(): Promise<void>;
}

export interface RegistryOptions {
  password: string;
  /** ECR's user name is always AWS. */
  username?: string;
  startTimeoutMs?: number;
}

const run = promisify(execFile);
const ATTEMPTS = 5;

export async function startRegistry({
  password,
  username = 'AWS',
  startTimeoutMs = 10_000,
}: RegistryOptions): Promise<Registry> {
  const dir = await makeTempDir('registry');
  try {
    await writeHtpasswd(dir, username, password);
    const { daemon, port } = await serveRegistry(dir, {
      label: 'docker-registry',
      realm: 'harness',
      deletes: true,
      probe: (p) => checkAuth(`http://127.0.0.1:${p}`),
      timeoutMs: startTimeoutMs,
    });
    const url = `http://127.0.0.1:${port}`;
    return {
      host: `127.0.0.1:${port}`,
      url,
      port,
      pid: daemon.child.pid ?? 0,
      dir,
      username,
      password,
      async close() {
        await daemon.stop();
        await removeDir(dir);
      },
    };
  } catch (err) {
    await removeDir(dir);
    throw err;
  }
}

/**
 * `<dir>/htpasswd` with one user: docker-registry only accepts bcrypt entries (cost 5 keeps logins fast).
 * bcrypt reads only a password's first 72 bytes, and htpasswd refuses passwords over 256 characters, so a
 * realistic ECR password (about 3,000 characters) is hashed by its first 72: the registry, comparing the
 * same way, accepts the whole password.
 */
export async function writeHtpasswd(dir: string, username: string, password: string): Promise<void> {
  const key = password.slice(0, 72);
  const { stdout } = await run('htpasswd', ['-Bbn', '-C', '5', username, key], { timeout: 10_000 });
  await writeFile(join(dir, 'htpasswd'), `${stdout.trim()}\n`);
}

export interface ServeOptions {
  /** How messages name it, e.g. "docker-registry (TLS)". */
  label: string;
  /** The htpasswd realm. */
  realm: string;
  /** Allow deleting manifests and blobs. */
  deletes?: boolean;
  /** Serve TLS with this certificate and key (PEM files). */
  tls?: { certFile: string; keyFile: string };
  /** The status of an unauthenticated GET /v2/ on `port`: 401 once the registry is up. */
  probe(port: number): Promise<number>;
  timeoutMs: number;
  /** How often to probe while it starts; default waitFor's. */
  intervalMs?: number;
}

/**
 * A REAL docker-registry on 127.0.0.1, storing under `dir` and checking `<dir>/htpasswd`: on a free port,
 * trying another when the port was taken meanwhile.
 */
export async function serveRegistry(
  dir: string,
  opts: ServeOptions,
): Promise<{ daemon: Daemon; port: number }> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const daemon = await launch(dir, port, opts);
    if (daemon) return { daemon, port };
    if (attempt >= ATTEMPTS) throw new Error(`${opts.label}: no free port after ${ATTEMPTS} attempts`);
  }
}

// Starts one registry on `port`; undefined when the port was taken meanwhile (the caller retries).
async function launch(dir: string, port: number, opts: ServeOptions): Promise<Daemon | undefined> {
  const config = [
    'version: 0.1',
    'log:',
    '  level: error',
    '  accesslog:',
    '    disabled: true',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${JSON.stringify(join(dir, 'data'))}`,
    ...(opts.deletes ? ['  delete:', '    enabled: true'] : []),
    'http:',
    `  addr: 127.0.0.1:${port}`,
    '  secret: harness-not-a-secret',
    ...(opts.tls
      ? [
          '  tls:',
          `    certificate: ${JSON.stringify(opts.tls.certFile)}`,
          `    key: ${JSON.stringify(opts.tls.keyFile)}`,
        ]
      : []),
    'auth:',
    '  htpasswd:',
    `    realm: ${opts.realm}`,
    `    path: ${JSON.stringify(join(dir, 'htpasswd'))}`,
    '',
  ].join('\n');
  await writeFile(join(dir, 'config.yml'), config);
  // Clean env: REGISTRY_* variables would override config.yml.
  const daemon = spawnDaemon('docker-registry', ['serve', join(dir, 'config.yml')], dir, {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: dir,
  });
  try {
    await waitFor(
      `${opts.label} on port ${port}`,
      async () => {
        if (daemon.exited()) return 'exited';
        const status = await opts.probe(port).catch(() => 0);
        return status === 401 ? 'up' : undefined;
      },
      opts.timeoutMs,
      opts.intervalMs,
    );
  } catch (err) {
    await daemon.stop();
    throw new Error(`${(err as Error).message}\n${daemon.output()}`);
  }
  if (!daemon.exited()) return daemon;
  if (/address already in use/.test(daemon.output())) return undefined;
  throw new Error(`${opts.label} exited at start:\n${daemon.output()}`);
}

export async function startRegistries(n: number, passwords: string[]): Promise<Registry[]> {
  if (passwords.length !== n) throw new Error(`startRegistries: ${n} registries need ${n} passwords`);
  const started = await Promise.allSettled(passwords.map((password) => startRegistry({ password })));
  const ok = started.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const failed = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) {
    await Promise.all(ok.map((r) => r.close()));
    throw failed.reason;
  }
  return ok;
}

/** Status of GET /v2/ (with Basic auth when a user is given): 200 = the credential is valid, 401 = not. */
export async function checkAuth(url: string, username?: string, password?: string): Promise<number> {
  const headers: Record<string, string> = {};
  if (username !== undefined) {
    headers.authorization = `Basic ${Buffer.from(`${username}:${password ?? ''}`).toString('base64')}`;
  }
  const res = await fetch(`${url.replace(/\/$/, '')}/v2/`, { headers, signal: AbortSignal.timeout(5000) });
  await res.arrayBuffer();
  return res.status;
}
