// Hosts the docker config hands to the Amazon ECR credential helper (`credHelpers[host]` or `credsStore`
// = "ecr-login"). That helper fetches its own token with the AWS credentials in its environment on every
// `get` and cannot store one, so such a host is served, not logged in to: we check that the helper is on
// PATH and that its `get` for the host answers a credential in time (which proves the AWS credentials it
// will use), write nothing for the host, and leave it alone in post. The answer's secret is never kept.
import { runBounded } from './bounded-exec.js';
import type { DockerConfig } from './docker-config.js';
import { describeHelperFailure } from './helper-failure.js';
import { findOnPath } from './path-lookup.js';

export const ECR_HELPER = 'ecr-login';
const BINARY = `docker-credential-${ECR_HELPER}`;

/** Whether the docker config sends `host`'s credentials to the Amazon ECR credential helper. */
export function servedByEcrHelper(config: DockerConfig, host: string): boolean {
  const helper =
    config.credHelpers && host in config.credHelpers ? config.credHelpers[host] : config.credsStore;
  return helper === ECR_HELPER;
}

/** A helper's `get` answer that is a credential: a JSON object with a non-empty Username and Secret. */
export function isCredential(stdout: string): boolean {
  try {
    const answer = JSON.parse(stdout) as { Username?: unknown; Secret?: unknown } | null;
    return (
      typeof answer?.Username === 'string' &&
      !!answer.Username &&
      typeof answer.Secret === 'string' &&
      !!answer.Secret
    );
  } catch {
    return false;
  }
}

/**
 * Asks the helper for `host`'s credential with `env` (the job's AWS credentials). Undefined when it
 * answered one within `timeoutMs`; otherwise the one-paragraph error naming the helper, the host and the fixes.
 */
export async function checkEcrHelper(
  host: string,
  env: NodeJS.ProcessEnv,
  timeoutMs: number,
): Promise<string | undefined> {
  const binary = findOnPath(BINARY, env);
  const out = binary
    ? await runBounded(binary, ['get'], { input: Buffer.from(host), env, timeoutMs })
    : { stdout: '', stderr: '', timedOut: false, missing: true, exitCode: undefined };
  if (out.exitCode === 0 && isCredential(out.stdout)) return undefined;
  const failure = describeHelperFailure(
    {
      helper: ECR_HELPER,
      host,
      action: `${BINARY} get`,
      // Only a failure's own words are shown: a successful answer carries a secret.
      output: out.exitCode === 0 ? out.stdout : `${out.stderr} ${out.stdout}`.trim(),
      ...(out.exitCode !== undefined ? { exitCode: out.exitCode } : {}),
      ...(out.timedOut ? { timedOutAfterMs: timeoutMs } : {}),
      missing: out.missing,
      garbage: out.exitCode === 0,
      source: 'config',
      methodDocker: false,
    },
    env,
  );
  return failure ?? `${BINARY} get for ${host} did not answer a credential.`;
}
