// isolate-config: a job-private docker config under RUNNER_TEMP, seeded with a copy of the current
// one (earlier logins and settings keep working), so jobs sharing a HOME on a self-hosted runner never
// read, overwrite or log out each other's ECR credentials.
import { chmod, copyFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configFile } from './docker-config.js';

export async function createIsolatedConfig(sourceDir: string, env: NodeJS.ProcessEnv): Promise<string> {
  // mkdtemp creates the directory with mode 0700; chmod again in case of an unusual umask.
  const dir = await mkdtemp(join(env.RUNNER_TEMP || tmpdir(), 'ecr-login-docker-'));
  await chmod(dir, 0o700);
  try {
    await copyFile(configFile(sourceDir), configFile(dir));
    await chmod(configFile(dir), 0o600);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  return dir;
}
