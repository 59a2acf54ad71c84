// The post step: each credential store removes what main added to it, even after a partial failure; then
// post checks that no entry for our hosts remains in the config file. Imports nothing that loads the AWS SDK or an HTTP client (the post bundle stays small).
import { rm } from 'node:fs/promises';
import { authKeysFor, readConfig, removeStrayTemps } from '../docker/docker-config.js';
import { checkOwned, OWNER_MARKER } from '../docker/owned-dir.js';
import { sweepPrivateCopies } from '../docker/private-copy.js';
import { STORE_NAMES, STORES } from '../stores/index.js';
import type { RemoveContext } from '../stores/store.js';
import * as runner from './runner.js';
import { decodeState, type PostState, STATE_KEY } from './state.js';

export interface PostDeps {
  env: NodeJS.ProcessEnv;
  tools: RemoveContext['tools'];
  now: () => Date;
}

const defaults = (): PostDeps => ({
  env: process.env,
  // The docker CLI module loads only when a helper-owned host needs `docker logout`; direct writes need none.
  tools: {
    dockerLogout: async (host, env) => (await import('../docker/docker-cli.js')).dockerLogout(host, env),
  },
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

/** The config file must hold no entry for our hosts once every store is done. */
async function warnOfLeftovers(dir: string, hosts: readonly string[]): Promise<void> {
  try {
    const left = authKeysFor(await readConfig(dir), hosts);
    if (left.length > 0) runner.warning(`Could not remove the credentials for ${left.join(', ')}.`);
  } catch (error) {
    runner.warning(`Could not check that ${hosts.join(', ')} are gone: ${(error as Error).message}`);
  }
}

/** Deletes the job-private config main created, and nothing else: a state pointing elsewhere is warned of. */
async function removeIsolatedDir(state: PostState, env: NodeJS.ProcessEnv): Promise<void> {
  if (!state.isolatedDir) return;
  const owned = await checkOwned(state.isolatedDir, state.isolatedId, env.RUNNER_TEMP);
  if ('gone' in owned) return;
  if ('problem' in owned) {
    const why = {
      'no-temp': 'RUNNER_TEMP is not set or does not exist',
      outside: `it is not inside RUNNER_TEMP (${owned.temp})`,
      unmarked: `it does not hold the ${OWNER_MARKER} main wrote`,
    }[owned.problem];
    runner.warning(`Not deleting the saved state's "isolatedDir" ${state.isolatedDir}: ${why}.`);
    return;
  }
  await rm(owned.real, { recursive: true, force: true });
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
  await sweepPrivateCopies(deps.env);
  const decoded = decodeState(runner.getState(STATE_KEY, deps.env));
  if (!decoded) {
    runner.info('No ECR logins to clean up.');
    return;
  }
  if ('problem' in decoded) {
    runner.warning(`ECR logout did nothing: ${decoded.problem}, so nothing was removed or deleted.`);
    return;
  }
  const { state } = decoded;
  warnIfExpired(state, deps.now());
  // A write of ours cut short (main killed before its rename) leaves a temp file that may hold a credential.
  await removeStrayTemps(state.configDir).catch((e: Error) =>
    runner.warning(`Could not remove stray temp files beside ${state.configDir}: ${e.message}`),
  );
  if (state.skipLogout) {
    // A job-private config is no one else's: nothing after this job can use it, so it never lingers.
    await removeIsolatedDir(state, deps.env);
    runner.info('skip-logout is true: leaving the ECR credentials in place.');
    return;
  }

  // Each store removes what it added; a store that fails leaves the others to do their part.
  const context: RemoveContext = {
    dir: state.configDir,
    env: deps.env,
    tools: deps.tools,
    debug: runner.debug,
    ...(state.helper ? { helper: state.helper } : {}),
    warning: runner.warning,
  };
  let removed = true;
  for (const name of STORE_NAMES) {
    const hosts = state.logins.filter((l) => l.store === name).map((l) => l.host);
    // The helper's home may exist before any host is recorded (main stopped in between): it goes too.
    if (hosts.length === 0 && !(name === 'helper' && state.helper)) continue;
    await STORES[name].remove(hosts, context).catch((e: Error) => {
      removed = false;
      runner.warning(`Could not clean up ${hosts.join(', ')}: ${e.message}`);
    });
  }
  const hosts = state.logins.map((l) => l.host);
  if (removed) await warnOfLeftovers(state.configDir, hosts);

  await removeIsolatedDir(state, deps.env);
  runner.info(`Logged out of ${hosts.length} ECR registr${hosts.length === 1 ? 'y' : 'ies'}.`);
}
