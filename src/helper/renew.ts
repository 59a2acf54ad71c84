// Renews a host's cached token for the credential helper, loaded only when one is close to expiry (the
// lock and the AWS SDK stay out of an answer from the cache).
import { LOCK_DEFAULTS, withConfigLock } from '../docker/config-lock.js';
import { type CacheEntry, entryFile, needsRefresh, readEntry, writeEntry } from './cache.js';

/** The longest refresh the SDK can make: every attempt times out, with its longest backoff in between. */
function refreshBoundMs(entry: CacheEntry): number {
  const backoffCapSeconds = 20; // the cap of the SDK's standard retry strategy
  return entry.settings.maxAttempts * (entry.settings.timeoutSeconds + backoffCapSeconds) * 1000;
}

/**
 * The host's entry with a fresh token. The renewal holds a per-host lock across the API call, which our
 * other locks never do: here the call is what the lock is for, so eight clients that find the same
 * expired token make one call, not eight. The wait is bounded by the longest refresh the SDK can make; a
 * waiter that gets the lock re-reads the cache and hands out the token the holder wrote. The holder's
 * heartbeat keeps a slow refresh from looking stale; a killed holder's lock is broken after `staleMs`.
 * A timeout names the lock file it waited for.
 */
export async function renew(dir: string, entry: CacheEntry, env: NodeJS.ProcessEnv): Promise<CacheEntry> {
  const { mkdir } = await import('node:fs/promises');
  const lockDir = entryFile(dir, entry.host).replace(/\.json$/, '.lock');
  await mkdir(lockDir, { recursive: true, mode: 0o700 });
  const opts = { ...LOCK_DEFAULTS, staleMs: 10_000, timeoutMs: refreshBoundMs(entry) + 10_000 };
  return withConfigLock(
    lockDir,
    async () => {
      const seen = (await readEntry(dir, entry.host)) ?? entry;
      if (!needsRefresh(seen, Date.now())) return seen;
      const { refreshEntry } = await import('./refresh.js');
      const fresh = await refreshEntry(seen, env);
      await writeEntry(dir, fresh);
      return fresh;
    },
    opts,
  );
}
