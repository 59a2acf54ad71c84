// The job's credential helper (dist/helper): docker, buildx, podman, buildah, skopeo, crane and helm run
// it through the launcher `docker-credential-<name>` for each host in their config's credHelpers. It
// answers `get` from the cache and renews a token close to expiry. Only a refresh loads the AWS SDK
// (a dynamic import, so the bundler puts it in a chunk of its own): an answer from the cache starts
// about as fast as node itself.
import { mkdir } from 'node:fs/promises';
import { LOCK_DEFAULTS, withConfigLock } from './config-lock.js';
import {
  CACHE_DIR_VARIABLE,
  type CacheEntry,
  entryFile,
  listEntries,
  needsRefresh,
  readEntry,
  writeEntry,
} from './helper/cache.js';
import { getAnswer, hostOf, listAnswer, NOT_FOUND, parseAction, storedHost } from './helper/protocol.js';

export interface HelperRun {
  /** What goes to stdout: the answer, or the one-line error. */
  out: string;
  code: number;
}

const NAME = 'ecr-login credential helper';

/** The longest refresh the SDK can make: every attempt times out, with its longest backoff in between. */
function refreshBoundMs(entry: CacheEntry): number {
  const backoffCapSeconds = 20; // the cap of the SDK's standard retry strategy
  return entry.settings.maxAttempts * (entry.settings.timeoutSeconds + backoffCapSeconds) * 1000;
}

/**
 * The host's entry, renewed when it expires within the margin. The renewal holds a per-host lock across
 * the API call, which our other locks never do: here the call is what the lock is for, so eight clients
 * that find the same expired token make one call, not eight. The wait is bounded by the longest refresh
 * the SDK can make; a waiter that gets the lock re-reads the cache and hands out the token the holder
 * wrote. The holder's heartbeat keeps a slow refresh from looking stale; a killed holder's lock is broken
 * after `staleMs`. The lock's own timeout error names the lock file it waited for.
 */
async function current(dir: string, entry: CacheEntry, env: NodeJS.ProcessEnv): Promise<CacheEntry> {
  if (!needsRefresh(entry, Date.now())) return entry;
  const lockDir = entryFile(dir, entry.host).replace(/\.json$/, '.lock');
  await mkdir(lockDir, { recursive: true, mode: 0o700 });
  const opts = { ...LOCK_DEFAULTS, staleMs: 10_000, timeoutMs: refreshBoundMs(entry) + 10_000 };
  return withConfigLock(
    lockDir,
    async () => {
      const seen = (await readEntry(dir, entry.host)) ?? entry;
      if (!needsRefresh(seen, Date.now())) return seen;
      const { refreshEntry } = await import('./helper/refresh.js');
      const fresh = await refreshEntry(seen, env);
      await writeEntry(dir, fresh);
      return fresh;
    },
    opts,
  );
}

/** One protocol call: `arg` is the action, `input` what the client wrote on stdin. Never throws. */
export async function runHelper(
  arg: string | undefined,
  input: string,
  env: NodeJS.ProcessEnv,
): Promise<HelperRun> {
  const fail = (message: string) => ({ out: `${NAME}: ${message}`.replace(/\s+/g, ' '), code: 1 });
  const action = parseAction(arg);
  if (!action) return fail(`unknown action ${JSON.stringify(arg ?? '')}; expected get, store, erase or list`);
  const dir = env[CACHE_DIR_VARIABLE];
  if (!dir) return fail(`${CACHE_DIR_VARIABLE} is not set; run it through its launcher`);
  const host = action === 'store' ? storedHost(input) : hostOf(input);
  try {
    if (action === 'list') return { out: listAnswer(await listEntries(dir)), code: 0 };
    const entry = host ? await readEntry(dir, host) : undefined;
    if (!entry) {
      if (action === 'store') return fail('it serves only the hosts ecr-login logged in to');
      return { out: NOT_FOUND, code: 1 };
    }
    // `docker login` ends with `store` and `docker logout` with `erase`: both succeed and change nothing,
    // since this job's token for the host is the action's to keep fresh (its post step removes it).
    if (action === 'store' || action === 'erase') return { out: '', code: 0 };
    const fresh = await current(dir, entry, env);
    return { out: getAnswer(input.trim(), fresh.username, fresh.password), code: 0 };
  } catch (error) {
    return fail(`${host ?? 'list'}: ${(error as Error).message}`);
  }
}
