// The docker CLI, for hosts whose credentials a credential helper owns (or login-method: docker).
// The password goes in on stdin, never in argv; output is captured, never echoed, and cleaned of the
// CLI's boilerplate before it reaches a message. Every run is bounded, helpers included (bounded-exec).
import { which } from '@actions/io';
import { backoff, REFUSED, type RetryPolicy, retry } from '../net/retry.js';
import { type BoundedOptions, type BoundedResult, runBounded } from './bounded-exec.js';

export type Exec = (command: string, args: string[], opts: BoundedOptions) => Promise<BoundedResult>;

/** How long one docker login/logout may take when the caller gives no deadline (post). */
export const DOCKER_TIMEOUT_MS = 30_000;

const found = new Map<string, Promise<string | undefined>>();

/**
 * The docker CLI's absolute path, looked up once per PATH, not again for every one of a dozen logins and
 * logouts.
 */
export function dockerPath(): Promise<string | undefined> {
  const path = process.env.PATH ?? '';
  let lookup = found.get(path);
  if (!lookup) {
    lookup = which('docker', false).then((p) => p || undefined);
    found.set(path, lookup);
  }
  return lookup;
}

async function docker(): Promise<string> {
  return (await dockerPath()) ?? 'docker';
}

/** Drops the "WARNING! … stored unencrypted" paragraph and the CLI's `time=… level=info` retry chatter. */
export function cleanDockerOutput(text: string): string {
  return text
    .replace(/WARNING! Your (password|credentials)[\s\S]*?(credential-store\/?|credentials-store\/?)\s*/g, '')
    .replace(/WARNING! Using --password via the CLI is insecure\.[^\n]*\n?/g, '')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line && !/^time="[^"]*" level=(info|debug)/.test(line) && line !== 'Login Succeeded')
    .join(' ');
}

/** A failure worth retrying: the registry was not reached or the connection broke, never a refusal. */
export function isTransientDockerError(message: string): boolean {
  if (REFUSED.test(message)) return false;
  return /dial tcp|connection refused|connection reset|i\/o timeout|no such host|TLS handshake timeout|EOF|timeout|temporary failure|server misbehaving|502|503|504/i.test(
    message,
  );
}

export interface DockerResult {
  ok: boolean;
  message: string;
  exitCode?: number;
  /** Set when the run was stopped at its deadline (with every helper it started). */
  timedOutAfterMs?: number;
}

function resultOf(out: BoundedResult, timeoutMs: number): DockerResult {
  return {
    ok: out.exitCode === 0,
    message: cleanDockerOutput(`${out.stderr}\n${out.stdout}`),
    ...(out.exitCode !== undefined ? { exitCode: out.exitCode } : {}),
    ...(out.timedOut ? { timedOutAfterMs: timeoutMs } : {}),
  };
}

export const DOCKER_RETRY: RetryPolicy = backoff(3);

export function dockerLogin(
  host: string,
  username: string,
  password: string,
  env: NodeJS.ProcessEnv,
  timeoutMs: number = DOCKER_TIMEOUT_MS,
  policy: RetryPolicy = DOCKER_RETRY,
  exec: Exec = runBounded,
): Promise<DockerResult> {
  const attempt = async (): Promise<DockerResult> => {
    const out = await exec(await docker(), ['login', '--username', username, '--password-stdin', host], {
      input: Buffer.from(password),
      env,
      timeoutMs,
    });
    return resultOf(out, timeoutMs);
  };
  // A timeout is not retried: a hung helper hangs again.
  const retryable = (r: DockerResult) =>
    !r.ok && r.timedOutAfterMs === undefined && isTransientDockerError(r.message);
  return retry(policy, attempt, retryable);
}

export async function dockerLogout(
  host: string,
  env: NodeJS.ProcessEnv,
  timeoutMs: number = DOCKER_TIMEOUT_MS,
  exec: Exec = runBounded,
): Promise<DockerResult> {
  return resultOf(await exec(await docker(), ['logout', host], { env, timeoutMs }), timeoutMs);
}
