// The main step: inputs → token plan → tokens (all regions at once) → logins, store by store → report.

import type { dockerLogin } from '../docker/docker-cli.js';
import { configDir } from '../docker/docker-config.js';
import { prepareConfigDir } from '../docker/isolate.js';
import { sweepPrivateCopies } from '../docker/private-copy.js';
import { getAuthorizationToken } from '../ecr/token-api.js';
import { planTokens } from '../ecr/token-plan.js';
import { fetchTokens, type GetToken } from '../ecr/tokens.js';
import { verifyCredential } from '../net/verify.js';
import { InputError, parseSettings } from './inputs.js';
import { login, loginSetup, runnerProblem } from './login.js';
import { report } from './report.js';
import * as runner from './runner.js';
import { LoginRecord, STATE_KEY } from './state.js';

export interface MainDeps {
  env: NodeJS.ProcessEnv;
  getToken: GetToken;
  findDocker: () => Promise<string | undefined>;
  tools: { verify: typeof verifyCredential; dockerLogin: typeof dockerLogin };
}

// The docker CLI module loads only when a login needs it: most runs never do.
const dockerCli = () => import('../docker/docker-cli.js');
const defaults = (): MainDeps => ({
  env: process.env,
  getToken: getAuthorizationToken,
  findDocker: async () => (await dockerCli()).dockerPath(),
  tools: {
    verify: verifyCredential,
    dockerLogin: async (...args) => (await dockerCli()).dockerLogin(...args),
  },
});

/**
 * Runs main; an unexpected failure (a lock timeout, a root-owned ~/.docker, an unwritable RUNNER_TEMP) still
 * ends as one `::error::` line instead of a stack trace. State saved before it lets post clean up.
 */
export async function runMain(deps: MainDeps = defaults()): Promise<void> {
  try {
    await mainSteps(deps);
  } catch (error) {
    runner.debug((error as Error).stack ?? String(error));
    if (error instanceof InputError) runner.setFailed(error.message);
    else runner.setFailed(`ECR login failed: ${(error as Error).message ?? String(error)}`);
  }
}

async function mainSteps({ env, getToken, findDocker, tools }: MainDeps): Promise<void> {
  const settings = parseSettings((name) => runner.getInput(name, env), env);
  const userDir = configDir(env);
  const problem = await runnerProblem(settings, userDir, findDocker);
  if (problem) return runner.setFailed(problem);

  const tokens = await fetchTokens(planTokens(settings), settings, env, getToken);

  await sweepPrivateCopies(env);
  const target = await prepareConfigDir(settings, userDir, env);
  const record = new LoginRecord(settings, target, (text) => runner.saveState(STATE_KEY, text));
  const failures = await login(
    tokens.credentials,
    loginSetup(settings, { dir: target.dir, env, tools, record, installed: record.installed }),
  );

  await report(record.logins, [...tokens.failures, ...failures]);
}
