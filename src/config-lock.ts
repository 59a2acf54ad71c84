// A lock beside the docker config, so concurrent jobs on one HOME never lose each other's entries
// between our read and our rename. Created exclusively; a lock older than `staleMs` belongs to a
// crashed job and is broken.
import { open, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';

export interface LockOptions {
  staleMs: number;
  timeoutMs: number;
  pollMs: number;
}

export const LOCK_DEFAULTS: LockOptions = { staleMs: 30_000, timeoutMs: 60_000, pollMs: 25 };

export function lockFile(dir: string): string {
  return join(dir, 'config.json.lock');
}

export async function withConfigLock<T>(
  dir: string,
  body: () => Promise<T>,
  opts = LOCK_DEFAULTS,
): Promise<T> {
  const path = lockFile(dir);
  const deadline = Date.now() + opts.timeoutMs;
  for (;;) {
    try {
      const handle = await open(path, 'wx', 0o600);
      await handle.writeFile(`${process.pid}\n`);
      await handle.close();
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const age = await stat(path).then(
        (s) => Date.now() - s.mtimeMs,
        () => 0,
      );
      if (age > opts.staleMs) {
        await rm(path, { force: true });
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
  try {
    return await body();
  } finally {
    await rm(path, { force: true });
  }
}
