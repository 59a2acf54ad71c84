// The docker CLI's private configs: each `docker login`/`logout` of the docker-CLI store runs against a
// short-lived copy of the config, removed as soon as docker returns. A step killed while docker ran leaves
// its copy behind, holding the user's credentials and perhaps ours, so a copy is named after the process
// that made it, and the next main or post removes those whose process is gone.
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import * as runner from '../action/runner.js';
import { createIsolatedConfig, tempRoot } from './isolate.js';
import { machineTag, ownerGone } from './process-owner.js';

const PREFIX = 'ecr-login-copy-';
/** The owner's pid and machine tag, then the six characters mkdtemp adds. */
const NAME = /^ecr-login-copy-(\d+)\.([0-9a-f]{8})-[A-Za-z0-9]{6}$/;

/** Runs `run` on a private copy of the config in `dir`, deleted as soon as it returns. */
export async function onPrivateCopy<T>(
  dir: string,
  env: NodeJS.ProcessEnv,
  run: (copy: string) => Promise<T>,
): Promise<T> {
  const copy = await createIsolatedConfig(dir, env, `${PREFIX}${process.pid}.${machineTag()}-`);
  try {
    return await run(copy);
  } finally {
    await rm(copy, { recursive: true, force: true });
  }
}

/**
 * Removes the private copies whose maker is gone. A live process's copy is never touched: its docker may
 * still be running on it. Never throws (main and post go on whatever it finds).
 */
export async function sweepPrivateCopies(env: NodeJS.ProcessEnv): Promise<void> {
  const root = tempRoot(env);
  for (const name of await readdir(root).catch((): string[] => [])) {
    const owner = NAME.exec(name);
    if (!owner || !ownerGone(Number(owner[1]), owner[2] ?? '')) continue;
    const path = join(root, name);
    try {
      await rm(path, { recursive: true, force: true });
      runner.info(
        `Removed ${path}: a private docker config left by a step that was killed while docker ran.`,
      );
    } catch (e) {
      runner.warning(
        `Could not remove ${path}, a private docker config that may hold credentials: ${(e as Error).message}`,
      );
    }
  }
}
