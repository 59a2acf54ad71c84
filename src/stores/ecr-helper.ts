// The Amazon ECR credential helper's store: hosts the docker config hands to docker-credential-ecr-login
// (`credHelpers[host]` or `credsStore` = "ecr-login"). That helper fetches its own token with the AWS
// credentials in its environment on every `get` and cannot store one, so such a host is served, not logged
// in to: add checks that the helper is on PATH and that its `get` for the host answers a credential in time
// (which proves the AWS credentials it will use) and writes nothing; there is nothing to remove. The
// answer's secret is never kept.
import { runBounded } from '../docker/bounded-exec.js';
import type { DockerConfig } from '../docker/docker-config.js';
import { findOnPath } from '../docker/path-lookup.js';
import type { CredentialStore, Refusal } from './store.js';

export const ECR_HELPER = 'ecr-login';
export const ECR_HELPER_BINARY = `docker-credential-${ECR_HELPER}`;

/** Whether the docker config sends `host`'s credentials to the Amazon ECR credential helper. */
export function servedByEcrHelper(config: DockerConfig, host: string): boolean {
  const helper =
    config.credHelpers && host in config.credHelpers ? config.credHelpers[host] : config.credsStore;
  return helper === ECR_HELPER;
}

/** A helper's `get` answer that is a credential: a JSON object with a non-empty Username and Secret. */
function isCredential(stdout: string): boolean {
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

/** Asks the helper for `host`'s credential with `env` (the job's AWS credentials); a refusal unless it answered one in time. */
async function checkEcrHelper(
  host: string,
  env: NodeJS.ProcessEnv,
  timeoutMs: number,
): Promise<Omit<Refusal['outcome'], 'store'> | undefined> {
  const binary = findOnPath(ECR_HELPER_BINARY, env);
  if (!binary) return { detail: '', missing: true };
  const out = await runBounded(binary, ['get'], { input: Buffer.from(host), env, timeoutMs });
  const garbage = out.exitCode === 0;
  if (garbage && isCredential(out.stdout)) return undefined;
  return {
    // Only a failure's own words are quoted: an answer on exit 0 may carry a secret (only its length is shown).
    detail: garbage ? out.stdout : `${out.stderr} ${out.stdout}`.trim(),
    ...(out.exitCode !== undefined ? { exitCode: out.exitCode } : {}),
    ...(out.timedOut ? { timedOutAfterMs: timeoutMs } : {}),
    missing: out.missing,
    garbage,
  };
}

export const ecrHelperStore: CredentialStore = {
  label: 'Amazon ECR credential helper',
  needsDockerCli: false,
  holdsCredentials: false,

  async add(credentials, { env, verify }) {
    const outcomes = await Promise.all(credentials.map((c) => checkEcrHelper(c.host, env, verify.timeoutMs)));
    const refused: Refusal[] = [];
    credentials.forEach((credential, i) => {
      const outcome = outcomes[i];
      if (outcome) refused.push({ credential, outcome: { store: 'ecr-helper', ...outcome } });
    });
    return refused;
  },

  async remove() {
    // Nothing was written: the helper keeps serving the host after the job.
  },
};
