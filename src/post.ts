// The post step: remove every credential main added, even after a partial failure, then verify that
// none remain. Imports nothing that loads the AWS SDK or an HTTP client (the post bundle stays small).
import { rm } from 'node:fs/promises';
import { dockerLogout } from './docker-cli.js';
import { authKeysFor, readConfig, withoutHosts, writeConfig } from './docker-config.js';
import * as runner from './runner.js';
import { decodeState, type PostState, STATE_KEY } from './state.js';

export interface PostDeps {
  env: NodeJS.ProcessEnv;
  logout: typeof dockerLogout;
  now: () => Date;
}

const defaults = (): PostDeps => ({ env: process.env, logout: dockerLogout, now: () => new Date() });

function warnIfExpired(state: PostState, now: Date): void {
  if (!state.expiresAt || now.getTime() <= Date.parse(state.expiresAt)) return;
  const hosts = state.logins.map((l) => l.host).join(', ');
  runner.warning(
    `This job outlived its ECR tokens (expired ${state.expiresAt}): pulls and pushes to ${hosts} after that ` +
      'time failed with "authorization token has expired". Split long jobs, or log in again before late pushes.',
  );
}

export async function runPost(deps: PostDeps = defaults()): Promise<void> {
  const state = decodeState(runner.getState(STATE_KEY, deps.env));
  if (!state) {
    runner.info('No ECR logins to clean up.');
    return;
  }
  warnIfExpired(state, deps.now());
  if (state.skipLogout) {
    runner.info('skip-logout is true: leaving the ECR credentials in place.');
    return;
  }

  const env = { ...deps.env, DOCKER_CONFIG: state.configDir };
  for (const login of state.logins.filter((l) => l.via === 'docker')) {
    const result = await deps.logout(login.host, env);
    if (!result.ok) runner.debug(`docker logout ${login.host}: ${result.message}`);
  }

  // Whatever docker logout left (or what we wrote directly) is removed from the file itself.
  const hosts = state.logins.map((l) => l.host);
  try {
    const config = await readConfig(state.configDir);
    if (authKeysFor(config, hosts).length > 0)
      await writeConfig(state.configDir, withoutHosts(config, hosts));
    const left = authKeysFor(await readConfig(state.configDir), hosts);
    if (left.length > 0) runner.warning(`Could not remove the credentials for ${left.join(', ')}.`);
  } catch (error) {
    runner.warning(`Could not clean up ${hosts.join(', ')}: ${(error as Error).message}`);
  }

  if (state.isolatedDir) await rm(state.isolatedDir, { recursive: true, force: true });
  runner.info(`Logged out of ${hosts.length} ECR registr${hosts.length === 1 ? 'y' : 'ies'}.`);
}
