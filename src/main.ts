// The main step: inputs → tokens (all regions at once) → masks → logins → outputs, state, summary.
import { type ApiSettings, endpointFor, getAuthorizationToken, type TokenAnswer } from './aws.js';
import { type Credential, credentialsFor, orderCredentials } from './credentials.js';
import { describeApiFailure } from './diagnose.js';
import type { dockerLogin, dockerPath } from './docker-cli.js';
import { configDir, configFile, readConfig } from './docker-config.js';
import { type Plan, parsePlan } from './inputs.js';
import { createIsolatedConfig } from './isolate.js';
import { type LoginDeps, loginAll, needsDocker, preflight, type Served } from './login.js';
import { outputsFor } from './outputs.js';
import { proveCredential } from './probe.js';
import type { Registry } from './registry.js';
import { roleAssumer } from './roles.js';
import * as runner from './runner.js';
import { encodeState, type PostState, STATE_KEY } from './state.js';
import { renderSummary, type SummaryRow } from './summary.js';
import type { TokenRequest } from './token-plan.js';

export interface MainDeps extends LoginDeps {
  env: NodeJS.ProcessEnv;
  getToken: (request: TokenRequest, settings: ApiSettings) => Promise<TokenAnswer>;
  findDocker: typeof dockerPath;
}

const defaults = (): MainDeps => ({
  env: process.env,
  getToken: getAuthorizationToken,
  // The docker CLI module (and @actions/exec) loads only when a login needs it: most runs never do.
  dockerLogin: async (...args: Parameters<typeof dockerLogin>) =>
    (await import('./docker-cli.js')).dockerLogin(...args),
  prove: proveCredential,
  findDocker: async () => (await import('./docker-cli.js')).dockerPath(),
});

/** A registry that failed before or during login: one line of the error, one row of the summary. */
type Failed = SummaryRow & { error: string };

function apiSettings(plan: Plan, env: NodeJS.ProcessEnv): ApiSettings {
  const settings: ApiSettings = {
    maxAttempts: plan.maxAttempts,
    timeoutSeconds: plan.apiTimeoutSeconds,
    env,
    ...(plan.httpProxy ? { httpProxy: plan.httpProxy } : {}),
  };
  // Roles are assumed with the step's own credentials: the STS client gets settings without roles.
  if (plan.roles.size > 0)
    settings.credentialsFor = roleAssumer(() => ({ ...settings, credentialsFor: undefined }));
  return settings;
}

async function tokenFailure(request: TokenRequest, error: unknown, settings: ApiSettings): Promise<Failed[]> {
  const service = request.kind === 'public' ? 'ecr-public' : 'ecr';
  const cause = await describeApiFailure(error, {
    action: `${service}:GetAuthorizationToken`,
    endpoint: endpointFor(service, request.region, request.kind === 'private' && request.fips, settings.env),
    region: request.region,
    settings,
    ...(request.role ? { role: request.role } : {}),
  });
  const how = request.role ? `role ${request.role}` : '';
  if (request.registries.length === 0) {
    return [{ host: `default registry in ${request.region}`, region: request.region, how, error: cause }];
  }
  return request.registries.map((r: Registry) => ({
    host: r.host,
    ...(r.kind === 'private' ? { account: r.account } : {}),
    region: request.region,
    how,
    error: cause,
  }));
}

async function fetchCredentials(plan: Plan, deps: MainDeps, failed: Failed[]): Promise<Credential[]> {
  const settings = apiSettings(plan, deps.env);
  const order = (r: Registry) => plan.registries.indexOf(r);
  const results = await Promise.all(
    plan.requests.map(async (request) => {
      try {
        const answer = await deps.getToken(request, settings);
        return credentialsFor(request, answer.data, order, plan.maskPassword, runner.setSecret);
      } catch (error) {
        failed.push(...(await tokenFailure(request, error, settings)));
        return [];
      }
    }),
  );
  return orderCredentials(results.flat());
}

const HOW: Record<Served, string> = {
  docker: 'docker CLI',
  file: 'config file',
  'ecr-helper': 'Amazon ECR credential helper',
};

function row(cred: Credential, via: Served | undefined, error?: string): SummaryRow {
  const how = [via ? HOW[via] : '', cred.role && `role ${cred.role}`].filter(Boolean).join(', ');
  return {
    host: cred.host,
    ...(cred.account ? { account: cred.account } : {}),
    region: cred.region,
    how,
    ...(error ? { error } : { expiresAt: cred.expiresAt }),
  };
}

/**
 * Runs main; an unexpected failure (a lock timeout, a root-owned ~/.docker, an unwritable RUNNER_TEMP) still
 * ends as one `::error::` line instead of a stack trace. State saved before it lets post clean up.
 */
export async function runMain(deps: MainDeps = defaults()): Promise<void> {
  try {
    await mainSteps(deps);
  } catch (error) {
    runner.debug((error as Error).stack ?? String(error));
    runner.setFailed(`ECR login failed: ${(error as Error).message ?? String(error)}`);
  }
}

async function mainSteps(deps: MainDeps): Promise<void> {
  let plan: Plan;
  try {
    plan = parsePlan((name) => runner.getInput(name, deps.env), deps.env);
  } catch (error) {
    runner.setFailed((error as Error).message);
    return;
  }
  const userDir = configDir(deps.env);
  const plannedHosts = plan.registries.length > 0 ? plan.registries.map((r) => r.host) : [''];
  let problem: string | undefined;
  try {
    const config = await readConfig(userDir);
    const dockerFound =
      needsDocker(plan.loginMethod, config, plannedHosts, plan.isolateConfig) && !!(await deps.findDocker());
    problem = preflight(plan.loginMethod, config, plannedHosts, plan.isolateConfig, dockerFound);
  } catch (error) {
    problem = (error as Error).message;
  }
  if (problem) {
    runner.setFailed(problem);
    return;
  }

  for (const r of plan.requests) {
    const what = r.kind === 'public' ? 'ECR Public' : r.registryIds.join(', ') || 'the default registry';
    runner.debug(
      `GetAuthorizationToken in ${r.region}${r.kind === 'private' && r.fips ? ' (FIPS)' : ''} for ${what}${r.role ? ` as ${r.role}` : ''}`,
    );
  }
  const failed: Failed[] = [];
  const credentials = await fetchCredentials(plan, deps, failed);

  const dir = plan.isolateConfig ? await createIsolatedConfig(userDir, deps.env) : userDir;
  const state: PostState = {
    logins: [],
    configDir: dir,
    ...(plan.isolateConfig ? { isolatedDir: dir } : {}),
    ...(plan.skipLogout ? { skipLogout: true } : {}),
  };
  if (plan.isolateConfig) {
    runner.exportVariable('DOCKER_CONFIG', dir);
    // podman, buildah and skopeo read REGISTRY_AUTH_FILE first, before an older containers auth.json.
    runner.exportVariable('REGISTRY_AUTH_FILE', configFile(dir));
    runner.saveState(STATE_KEY, encodeState(state));
  }
  runner.setOutput('docker-config', dir);

  const loggedIn: Credential[] = [];
  const via = new Map<string, Served>();
  const loginFailures = await loginAll(
    credentials,
    {
      method: plan.loginMethod,
      dir,
      isolated: plan.isolateConfig,
      env: deps.env,
      probe: {
        env: deps.env,
        timeoutMs: plan.apiTimeoutSeconds * 1000,
        attempts: 3,
        ...(plan.httpProxy ? { httpProxy: plan.httpProxy } : {}),
      },
      warn: runner.warning,
    },
    deps,
    (cred, how) => {
      loggedIn.push(cred);
      via.set(cred.host, how);
      // A host the Amazon ECR credential helper serves holds nothing of ours: post leaves it alone.
      if (how === 'ecr-helper') return;
      state.logins.push({ host: cred.host, via: how });
      const ours = loggedIn.filter((c) => via.get(c.host) !== 'ecr-helper');
      state.expiresAt = new Date(Math.min(...ours.map((c) => c.expiresAt.getTime()))).toISOString();
      // Saved after every success, so a failure at registry 4 still gets 1–3 cleaned up.
      runner.saveState(STATE_KEY, encodeState(state));
    },
  );
  for (const f of loginFailures) failed.push({ ...row(f.cred, undefined, f.message), error: f.message });

  const ordered = orderCredentials(loggedIn);
  for (const cred of ordered) {
    const r = row(cred, via.get(cred.host));
    await runner.group(cred.host, async () => {
      runner.info(
        via.get(cred.host) === 'ecr-helper'
          ? `${cred.host} is served by the Amazon ECR credential helper (the docker config names it): nothing written; its answer was checked.`
          : `Logged in to ${cred.host} (${r.how}); the token expires ${cred.expiresAt.toISOString()}.`,
      );
    });
  }
  for (const [name, value] of Object.entries(outputsFor(ordered))) runner.setOutput(name, value);
  runner.appendSummary(renderSummary([...ordered.map((c) => row(c, via.get(c.host))), ...failed]));

  if (failed.length > 0) {
    const n = failed.length;
    const lines = failed.map((f) => `${f.host} (${f.region}): ${f.error}`);
    runner.setFailed(`${n} registr${n === 1 ? 'y' : 'ies'} failed:\n${lines.join('\n')}`);
  }
}
