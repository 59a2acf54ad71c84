// One retry loop for every retried I/O (the /v2/ check, docker login): exponential backoff, and the caller
// says which outcomes are worth another attempt.
export interface RetryPolicy {
  attempts: number;
  /** The wait after attempt `n` (1-based) failed. */
  delayMs: (attempt: number) => number;
}

export async function retry<T>(
  policy: RetryPolicy,
  attempt: () => Promise<T>,
  retryable: (result: T) => boolean,
): Promise<T> {
  let result = await attempt();
  for (let n = 1; n < policy.attempts && retryable(result); n++) {
    await new Promise((r) => setTimeout(r, policy.delayMs(n)));
    result = await attempt();
  }
  return result;
}

/** A registry's or the docker CLI's words for "this credential is refused": final, never worth a retry. */
export const REFUSED = /\b(401|403)\b|unauthorized|denied|forbidden|no basic auth credentials/i;

/** The backoff both retried checks use: 0.5 s, then 1 s, doubling. */
export const backoff = (attempts: number): RetryPolicy => ({ attempts, delayMs: (n) => 500 * 2 ** (n - 1) });
