// The job's credential helper (dist/helper): docker, buildx, podman, buildah, skopeo, crane and helm run
// it through the launcher `docker-credential-<name>` for each host in their config's credHelpers. It
// answers `get` from the cache and renews a token close to expiry. Only a refresh loads the lock and the
// AWS SDK (dynamic imports, which the bundler puts in chunks of their own): an answer from the cache
// starts about as fast as node itself.
import { CACHE_DIR_VARIABLE, listEntries, needsRefresh, readEntry } from './cache.js';
import { getAnswer, hostOf, listAnswer, NOT_FOUND, parseAction, storedHost } from './protocol.js';

export interface HelperRun {
  /** What goes to stdout: the answer, or the one-line error. */
  out: string;
  code: number;
}

const NAME = 'ecr-login credential helper';

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
    const fresh = needsRefresh(entry, Date.now())
      ? await (await import('./renew.js')).renew(dir, entry, env)
      : entry;
    return { out: getAnswer(input.trim(), fresh.username, fresh.password), code: 0 };
  } catch (error) {
    return fail(`${host ?? 'list'}: ${(error as Error).message}`);
  }
}
