// A lock beside the docker config, held only while one read-change-write of the file runs (never across
// network I/O or a child process), so concurrent jobs on one HOME never lose each other's entries. Created
// exclusively; it names its holder, and is broken only when that holder is gone (same machine, process
// dead) or the lock is older than `staleMs` (a live holder keeps it fresh).
import { randomBytes } from 'node:crypto';
import { open, readFile, rm, stat, utimes } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import * as runner from '../action/runner.js';
import { machineTag, ownerGone } from './process-owner.js';

export interface LockOptions {
  staleMs: number;
  timeoutMs: number;
  pollMs: number;
  /** Told once, when another process holds the lock and this one waits for it. */
  onWait: (message: string) => void;
}

export const LOCK_DEFAULTS: LockOptions = {
  staleMs: 30_000,
  timeoutMs: 60_000,
  pollMs: 25,
  onWait: (message) => runner.info(message),
};

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

interface Holder {
  pid: number;
  host: string;
  machine: string;
}

function holderOf(text: string): Holder | undefined {
  try {
    const h = JSON.parse(text) as Partial<Holder>;
    if (typeof h.pid === 'number' && typeof h.host === 'string' && typeof h.machine === 'string')
      return { pid: h.pid, host: h.host, machine: h.machine };
  } catch {
    // an older version's lock, or one whose holder has not written its name yet: judged by age alone
  }
  return undefined;
}

const describeHolder = (h: Holder | undefined) =>
  h ? `process ${h.pid} on host ${h.host}` : 'a process that did not name itself';

export async function withConfigLock<T>(
  dir: string,
  body: () => Promise<T>,
  options: Partial<LockOptions> = {},
): Promise<T> {
  const opts = { ...lockOptions(), ...options };
  const path = lockFile(dir);
  const deadline = Date.now() + opts.timeoutMs;
  // Unique per acquisition (inode numbers are reused at once on ext4, so they cannot tell who holds it).
  const token = `${JSON.stringify({
    pid: process.pid,
    host: hostname(),
    machine: machineTag(),
    token: randomBytes(8).toString('hex'),
  })}\n`;
  let told = false;
  for (;;) {
    try {
      const handle = await open(path, 'wx', 0o600);
      await handle.writeFile(token);
      await handle.close();
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const seen = await readFile(path, 'utf8').catch(released);
    const age = await stat(path).then((s) => Date.now() - s.mtimeMs, released);
    if (seen === undefined || age === undefined) continue;
    const holder = holderOf(seen);
    if ((holder && ownerGone(holder.pid, holder.machine)) || age > opts.staleMs) {
      await breakStale(path, seen);
      continue;
    }
    if (!told) {
      told = true;
      opts.onWait(`Waiting for ${path}: ${describeHolder(holder)} is updating the docker config.`);
    }
    if (Date.now() > deadline) {
      const why = holder
        ? 'which is still running and keeps the lock fresh'
        : `such a lock is broken when it is ${opts.staleMs / 1000}s old`;
      throw new Error(
        `timed out after ${opts.timeoutMs / 1000}s waiting for ${path}, held by ${describeHolder(holder)}` +
          `${holder ? ', ' : '; '}${why}. The lock is held only while a job updates the docker config; re-run the job.`,
      );
    }
    await new Promise((r) => setTimeout(r, opts.pollMs + Math.random() * opts.pollMs));
  }
  // A live holder keeps its lock fresh, so a slow body (a slow disk, a large file) never looks like a
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

/** A lock that vanished between our attempt and our look was released: try again. */
function released(e: NodeJS.ErrnoException): undefined {
  if (e.code === 'ENOENT') return undefined;
  throw e;
}

/** A breaker holds the guard for one read and one unlink; one older than this was left by a crash. */
const GUARD_STALE_MS = 5_000;

/**
 * Removes the lock that was judged stale (its content `seen`). Two waiters may judge it stale at once: the
 * one that comes second must not remove the fresh lock the first one took meanwhile. So breaking takes a
 * guard of its own and removes the lock only if it still holds what was judged; the lock path is never
 * left empty while another waiter's lock is there (moving it aside and back would open such a window).
 */
async function breakStale(path: string, seen: string): Promise<void> {
  const guard = `${path}.break`;
  try {
    await (await open(guard, 'wx', 0o600)).close();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    const age = await stat(guard).then((s) => Date.now() - s.mtimeMs, released);
    if (age !== undefined && age > GUARD_STALE_MS) await rm(guard, { force: true });
    return; // another waiter is breaking it now
  }
  try {
    if ((await readFile(path, 'utf8').catch(released)) === seen) await rm(path, { force: true });
  } finally {
    await rm(guard, { force: true });
  }
}
