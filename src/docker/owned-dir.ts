// Directories main creates for the job and post deletes recursively (the isolate-config directory, the
// credential helper's home). Their path comes back through saved state, so main marks each with a random
// id kept in that state, and post deletes one only when, links and `..` resolved, it lies inside
// RUNNER_TEMP and holds that id.
import { randomBytes } from 'node:crypto';
import { readFile, realpath, writeFile } from 'node:fs/promises';
import { isAbsolute, join, relative } from 'node:path';

export const OWNER_MARKER = '.ecr-login-owner';

/** Marks a directory main just created; the id returned goes into the state. */
export async function markOwned(dir: string): Promise<string> {
  const id = randomBytes(16).toString('hex');
  await writeFile(join(dir, OWNER_MARKER), `${id}\n`, { mode: 0o600, flag: 'wx' });
  return id;
}

export type Ownership =
  | { gone: true }
  | { real: string; temp: string }
  | { problem: 'no-temp' | 'outside' | 'unmarked'; temp?: string };

/** Whether `dir` (from state) is one main marked with `id` inside `runnerTemp`, and its real path if so. */
export async function checkOwned(
  dir: string,
  id: string | undefined,
  runnerTemp: string | undefined,
): Promise<Ownership> {
  const temp = runnerTemp ? await realpath(runnerTemp).catch(() => undefined) : undefined;
  if (!temp) return { problem: 'no-temp' };
  let real: string;
  try {
    real = await realpath(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { gone: true };
    throw e;
  }
  const inside = relative(temp, real);
  if (!inside || inside.startsWith('..') || isAbsolute(inside)) return { problem: 'outside', temp };
  const marker = await readFile(join(real, OWNER_MARKER), 'utf8').catch(() => undefined);
  if (id === undefined || marker?.trim() !== id) return { problem: 'unmarked', temp };
  return { real, temp };
}
