// isolate-config: a job-private docker config under RUNNER_TEMP, seeded with a copy of the current
// one (earlier logins and settings keep working), so jobs sharing a HOME on a self-hosted runner never
// read, overwrite or log out each other's ECR credentials.
import { chmod, copyFile, mkdtemp, readdir, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configFile } from './docker-config.js';
import * as runner from './runner.js';
import type { Settings } from './types.js';

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

export async function createIsolatedConfig(sourceDir: string, env: NodeJS.ProcessEnv): Promise<string> {
  // mkdtemp creates the directory with mode 0700; chmod again in case of an unusual umask.
  const dir = await mkdtemp(join(env.RUNNER_TEMP || tmpdir(), 'ecr-login-docker-'));
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

/**
 * The config directory this job logs in to: the user's, or with isolate-config a job-private copy that
 * later steps (and our post) find through DOCKER_CONFIG. Either way it is the `docker-config` output.
 */
export async function prepareConfigDir(
  settings: Pick<Settings, 'isolateConfig'>,
  userDir: string,
  env: NodeJS.ProcessEnv,
): Promise<string> {
  const dir = settings.isolateConfig ? await createIsolatedConfig(userDir, env) : userDir;
  if (settings.isolateConfig) {
    runner.exportVariable('DOCKER_CONFIG', dir);
    // podman, buildah and skopeo read REGISTRY_AUTH_FILE first, before an older containers auth.json.
    runner.exportVariable('REGISTRY_AUTH_FILE', configFile(dir));
  }
  runner.setOutput('docker-config', dir);
  return dir;
}
