// isolate-config: a job-private docker config under RUNNER_TEMP, seeded with a copy of the current
// one (earlier logins and settings keep working), so jobs sharing a HOME on a self-hosted runner never
// read, overwrite or log out each other's ECR credentials.
import { chmod, copyFile, mkdtemp, readdir, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as runner from '../action/runner.js';
import type { Settings } from '../action/types.js';
import { configFile } from './docker-config.js';
import { markOwned } from './owned-dir.js';

/**
 * The rest of the docker config directory (cli-plugins, contexts, buildx builders, trust) is linked, not
 * copied: DOCKER_CONFIG moves all of it, and a copied `currentContext` with no `contexts` would break
 * every docker command. Only config.json, which holds credentials, is private. Directory junctions need
 * no privilege on Windows; post deleting the private directory removes the links, never their targets.
 */
async function linkSiblings(sourceDir: string, dir: string): Promise<void> {
  const entries = await readdir(sourceDir, { withFileTypes: true }).catch(() => []);
  await Promise.all(
    entries
      .filter((e) => e.isDirectory())
      .map((e) => symlink(join(sourceDir, e.name), join(dir, e.name), 'junction')),
  );
}

/** Where private configs go: RUNNER_TEMP, else the OS temp dir. */
export const tempRoot = (env: NodeJS.ProcessEnv): string => env.RUNNER_TEMP || tmpdir();

/**
 * A private copy of the config directory in `sourceDir`: a 0700 directory in tempRoot, its name starting
 * with `prefix`, with a 0600 copy of config.json and links to the rest. isolate-config logs in to one; the
 * docker-CLI store runs each docker process against a short-lived one (private-copy.ts).
 */
export async function createIsolatedConfig(
  sourceDir: string,
  env: NodeJS.ProcessEnv,
  prefix = 'ecr-login-docker-',
): Promise<string> {
  // mkdtemp creates the directory with mode 0700; chmod again in case of an unusual umask.
  const dir = await mkdtemp(join(tempRoot(env), prefix));
  try {
    await chmod(dir, 0o700);
    try {
      await copyFile(configFile(sourceDir), configFile(dir));
      await chmod(configFile(dir), 0o600);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    await linkSiblings(sourceDir, dir);
  } catch (e) {
    await rm(dir, { recursive: true, force: true });
    throw e;
  }
  return dir;
}

export interface ConfigDir {
  dir: string;
  /** With isolate-config: the random id main marked the directory with (owned-dir.ts), kept in the state. */
  isolatedId?: string;
}

/**
 * The config directory this job logs in to: the user's, or with isolate-config a job-private copy that
 * later steps (and our post) find through DOCKER_CONFIG. Either way it is the `docker-config` output.
 */
export async function prepareConfigDir(
  settings: Pick<Settings, 'isolateConfig'>,
  userDir: string,
  env: NodeJS.ProcessEnv,
): Promise<ConfigDir> {
  if (!settings.isolateConfig) {
    runner.setOutput('docker-config', userDir);
    return { dir: userDir };
  }
  const dir = await createIsolatedConfig(userDir, env);
  const isolatedId = await markOwned(dir);
  runner.exportVariable('DOCKER_CONFIG', dir);
  // podman, buildah and skopeo read REGISTRY_AUTH_FILE first, before an older containers auth.json.
  runner.exportVariable('REGISTRY_AUTH_FILE', configFile(dir));
  runner.setOutput('docker-config', dir);
  return { dir, isolatedId };
}
