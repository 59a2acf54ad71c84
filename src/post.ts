// The post step: remove every credential main added, even after a partial failure, then verify that
// none remain. Imports nothing that loads the AWS SDK or an HTTP client (the post bundle stays small).
import { rm } from 'node:fs/promises';
import type { dockerLogout } from './docker-cli.js';
import { authKeysFor, readConfig, updateConfig, withoutHosts, withUserEntriesKept } from './docker-config.js';
import * as runner from './runner.js';
import { decodeState, type PostState, STATE_KEY } from './state.js';

export interface PostDeps {
  env: NodeJS.ProcessEnv;
  logout: typeof dockerLogout;
  now: () => Date;
}

const defaults = (): PostDeps => ({
  env: process.env,
  // @actions/exec loads only when a helper-owned host needs `docker logout`; direct writes need none.
  logout: async (...args: Parameters<typeof dockerLogout>) =>
    (await import('./docker-cli.js')).dockerLogout(...args),
  now: () => new Date(),
});

function warnIfExpired(state: PostState, now: Date): void {
  if (!state.expiresAt || now.getTime() <= Date.parse(state.expiresAt)) return;
  const hosts = state.logins.map((l) => l.host).join(', ');
  runner.warning(
    `This job outlived its ECR tokens (expired ${state.expiresAt}): pulls and pushes to ${hosts} after that ` +
      'time failed with "authorization token has expired". Split long jobs, or log in again before late pushes.',
  );
}

/** Runs post; an unexpected failure is one warning naming it (post never fails the job over cleanup). */
export async function runPost(deps: PostDeps = defaults()): Promise<void> {
  try {
    await postSteps(deps);
  } catch (error) {
    runner.debug((error as Error).stack ?? String(error));
    runner.warning(`ECR logout did not finish: ${(error as Error).message ?? String(error)}`);
  }
}

async function postSteps(deps: PostDeps): Promise<void> {
  const state = decodeState(runner.getState(STATE_KEY, deps.env));
  if (!state) {
    runner.info('No ECR logins to clean up.');
    return;
  }
  warnIfExpired(state, deps.now());
  if (state.skipLogout) {
    // A job-private config is no one else's: nothing after this job can use it, so it never lingers.
    if (state.isolatedDir) await rm(state.isolatedDir, { recursive: true, force: true });
    runner.info('skip-logout is true: leaving the ECR credentials in place.');
    return;
  }

  const env = { ...deps.env, DOCKER_CONFIG: state.configDir };
  const viaDocker = state.logins.filter((l) => l.via === 'docker').map((l) => l.host);
  const logoutAll = async () => {
    for (const host of viaDocker) {
      const result = await deps.logout(host, env);
      if (!result.ok) runner.debug(`docker logout ${host}: ${result.message}`);
    }
  };
  if (viaDocker.length > 0) {
    // The docker CLI drops the config keys it does not know: they are put back once after the last logout.
    await withUserEntriesKept(state.configDir, viaDocker, logoutAll).catch(async (e: Error) => {
      // Could not read or restore the file around them: log out all the same (the cleanup below still runs).
      runner.debug(`keeping the docker config's other entries around docker logout: ${e.message}`);
      await logoutAll();
    });
  }

  // Whatever docker logout left (or what we wrote directly) is removed from the file itself.
  const hosts = state.logins.map((l) => l.host);
  try {
    if (authKeysFor(await readConfig(state.configDir), hosts).length > 0) {
      // Under the lock main takes: another job sharing this config must not lose an entry it adds meanwhile.
      await updateConfig(state.configDir, (c) => withoutHosts(c, hosts));
    }
    const left = authKeysFor(await readConfig(state.configDir), hosts);
    if (left.length > 0) runner.warning(`Could not remove the credentials for ${left.join(', ')}.`);
  } catch (error) {
    runner.warning(`Could not clean up ${hosts.join(', ')}: ${(error as Error).message}`);
  }

  if (state.isolatedDir) await rm(state.isolatedDir, { recursive: true, force: true });
  runner.info(`Logged out of ${hosts.length} ECR registr${hosts.length === 1 ? 'y' : 'ies'}.`);
}
