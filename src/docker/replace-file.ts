// Replacing a file that may hold credentials: atomically (a temp file beside it, then rename), keeping
// an existing file's mode and owner, through symlinks, with temp files named so that ours left by a killed
// process can be told apart and removed.
import { randomBytes } from 'node:crypto';
import { lstat, open, readdir, readFile, readlink, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { machineTag, ownerGone } from './process-owner.js';

/**
 * Writes `text` to `target` by a temp file and rename, unless `stillValid` says no at the last moment. A
 * new file is 0600; an existing one keeps its mode, and its owner when we run as root (a job as root must
 * not leave a user's file root-owned). The temp file is 0600 from its creation: it holds credentials.
 */
export async function replaceFile(
  target: string,
  text: string,
  stillValid: (temp: string) => Promise<boolean>,
): Promise<boolean> {
  const existing = await stat(target).catch(orMissing);
  const unique = `${process.pid}.${machineTag()}.${randomBytes(6).toString('hex')}`;
  const temp = join(dirname(target), `${tempPrefix(target)}${unique}.tmp`);
  const handle = await open(temp, 'wx', 0o600);
  try {
    try {
      await handle.writeFile(text);
      await handle.chmod(0o600); // an unusual umask must not loosen it
      if (existing && process.getuid?.() === 0) await handle.chown(existing.uid, existing.gid);
      if (existing) await handle.chmod(existing.mode & 0o7777);
    } finally {
      await handle.close();
    }
    if (!(await stillValid(temp))) {
      await rm(temp, { force: true });
      return false;
    }
    await rename(temp, target);
    return true;
  } catch (e) {
    await rm(temp, { force: true });
    throw e;
  }
}

function orMissing(e: NodeJS.ErrnoException): undefined {
  if (e.code === 'ENOENT') return undefined;
  throw e;
}

/** The file's text, '' when there is none. */
export async function readText(file: string): Promise<string> {
  return (await readFile(file, 'utf8').catch(orMissing)) ?? '';
}

/** Our temp files for `target` start with this; the writer's pid, its machine tag and a random part follow. */
const tempPrefix = (target: string) => `.${basename(target)}.ecr-login.`;
const TEMP_REST = /^(\d+)\.([0-9a-f]{8})\.[0-9a-f]{12}\.tmp$/;

/**
 * Removes our temp files for `target` whose writer is gone or that are older than `staleMs`. Call it under
 * the lock that guards every write of `target`, so no live write of ours can be using one.
 */
export async function sweepTemps(target: string, staleMs: number): Promise<string[]> {
  const prefix = tempPrefix(target);
  const removed: string[] = [];
  for (const name of await readdir(dirname(target)).catch(() => [])) {
    const m = name.startsWith(prefix) ? TEMP_REST.exec(name.slice(prefix.length)) : null;
    if (!m) continue;
    const path = join(dirname(target), name);
    const age = await lstat(path).then((s) => Date.now() - s.mtimeMs, orMissing);
    if (age === undefined || !(ownerGone(Number(m[1]), m[2] ?? '') || age > staleMs)) continue;
    await rm(path, { force: true });
    removed.push(path);
  }
  return removed;
}

/** Where `path` leads through symlinks, also when the last one dangles (docker writes through it too). */
export async function linkTarget(path: string): Promise<string> {
  let current = path;
  for (let hops = 0; hops < 40; hops++) {
    const next = await readlink(current).catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'EINVAL' || e.code === 'ENOENT') return undefined; // not a link, or nothing there
      throw e;
    });
    if (next === undefined) return current;
    current = resolve(dirname(current), next);
  }
  throw new Error(`${path}: too many levels of symbolic links`);
}
