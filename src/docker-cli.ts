// The docker CLI, for hosts whose credentials a credential helper owns (or login-method: docker).
// The password goes in on stdin, never in argv; output is captured, never echoed, and cleaned of the
// CLI's boilerplate before it reaches a message.
import { getExecOutput } from '@actions/exec';
import { which } from '@actions/io';
import { backoff, REFUSED, type RetryPolicy, retry } from './retry.js';

export type Exec = typeof getExecOutput;

const found = new Map<string, Promise<string | undefined>>();

/**
 * The docker CLI's absolute path, looked up once per PATH: @actions/exec would otherwise scan PATH again
 * for every one of a dozen logins and logouts.
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
}

export const DOCKER_RETRY: RetryPolicy = backoff(3);

export function dockerLogin(
  host: string,
  username: string,
  password: string,
  env: NodeJS.ProcessEnv,
  policy: RetryPolicy = DOCKER_RETRY,
  exec: Exec = getExecOutput,
): Promise<DockerResult> {
  const attempt = async (): Promise<DockerResult> => {
    const out = await exec(await docker(), ['login', '--username', username, '--password-stdin', host], {
      input: Buffer.from(password),
      silent: true,
      ignoreReturnCode: true,
      env: env as Record<string, string>,
    });
    return { ok: out.exitCode === 0, message: cleanDockerOutput(`${out.stderr}\n${out.stdout}`) };
  };
  return retry(policy, attempt, (result) => !result.ok && isTransientDockerError(result.message));
}

export async function dockerLogout(
  host: string,
  env: NodeJS.ProcessEnv,
  exec: Exec = getExecOutput,
): Promise<DockerResult> {
  const out = await exec(await docker(), ['logout', host], {
    silent: true,
    ignoreReturnCode: true,
    env: env as Record<string, string>,
  });
  return { ok: out.exitCode === 0, message: cleanDockerOutput(`${out.stderr}\n${out.stdout}`) };
}
