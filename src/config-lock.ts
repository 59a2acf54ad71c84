// A lock beside the docker config, so concurrent jobs on one HOME never lose each other's entries
// between our read and our rename. Created exclusively; a lock older than `staleMs` belongs to a
// crashed job and is broken.
import { randomBytes } from 'node:crypto';
import { link, open, readFile, rename, rm, stat, utimes } from 'node:fs/promises';
import { join } from 'node:path';

export interface LockOptions {
  staleMs: number;
  timeoutMs: number;
  pollMs: number;
}

export const LOCK_DEFAULTS: LockOptions = { staleMs: 30_000, timeoutMs: 60_000, pollMs: 25 };

/** The stale age may be lowered through ECR_LOGIN_LOCK_STALE_MS, so tests need not wait 30 s for a lock to age. */
export function lockOptions(env: NodeJS.ProcessEnv = process.env): LockOptions {
  const raw = env.ECR_LOGIN_LOCK_STALE_MS;
  if (raw === undefined || raw === '') return LOCK_DEFAULTS;
  if (!/^[1-9]\d{0,8}$/.test(raw))
    throw new Error(`ECR_LOGIN_LOCK_STALE_MS must be a whole number of milliseconds, not "${raw}"`);
  return { ...LOCK_DEFAULTS, staleMs: Number(raw) };
}

export function lockFile(dir: string): string {
  return join(dir, 'config.json.lock');
}

export async function withConfigLock<T>(
  dir: string,
  body: () => Promise<T>,
  opts = lockOptions(),
): Promise<T> {
  const path = lockFile(dir);
  const deadline = Date.now() + opts.timeoutMs;
  // Who holds the lock: unique per acquisition (inode numbers are reused at once on ext4, so they cannot tell).
  const token = `${process.pid} ${randomBytes(8).toString('hex')}\n`;
  for (;;) {
    try {
      const handle = await open(path, 'wx', 0o600);
      await handle.writeFile(token);
      await handle.close();
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const seen = await readFile(path, 'utf8').catch(() => undefined);
      const age = await stat(path).then(
        (s) => Date.now() - s.mtimeMs,
        () => 0,
      );
      if (seen !== undefined && age > opts.staleMs) {
        await breakStale(path, seen);
        continue;
      }
      if (Date.now() > deadline) {
        throw new Error(
          `timed out after ${opts.timeoutMs / 1000}s waiting for ${path}; remove it if no job holds it`,
        );
      }
      await new Promise((r) => setTimeout(r, opts.pollMs + Math.random() * opts.pollMs));
    }
  }
  // A live holder keeps its lock fresh, so a slow body (a docker login with retries) never looks like a
  // crashed job's lock to the others; and it removes only its own lock (not one taken after breaking it).
  const beat = setInterval(
    () => {
      const now = new Date();
      utimes(path, now, now).catch(() => {});
    },
    Math.max(opts.staleMs / 4, 10),
  );
  beat.unref();
  try {
    return await body();
  } finally {
    clearInterval(beat);
    if ((await readFile(path, 'utf8').catch(() => undefined)) === token) await rm(path, { force: true });
  }
}

/**
 * Removes the lock that was judged stale (its content `seen`). Two waiters may judge it stale at once: the
 * one that comes second must not remove the fresh lock the first one took meanwhile, so the lock is moved
 * aside first and put back when it is not the one judged.
 */
async function breakStale(path: string, seen: string): Promise<void> {
  const aside = `${path}.${randomBytes(6).toString('hex')}.stale`;
  try {
    await rename(path, aside);
  } catch {
    return; // already broken by another waiter
  }
  if ((await readFile(aside, 'utf8').catch(() => undefined)) !== seen)
    await link(aside, path).catch(() => {});
  await rm(aside, { force: true });
}
