// Logs credentials in: checks before any network call that the runner can take them, then picks a
// credential store per host and hands each store its batch. Stores return what they refused; refusals are
// diagnosed here, in one place for every store.

import { helperFailureOf } from '../diagnose/helper.js';
import { describeLoginFailure } from '../diagnose/login.js';
import {
  authKeyHost,
  type DockerConfig,
  helperFor,
  readConfig,
  updateConfig,
} from '../docker/docker-config.js';
import { servedByEcrHelper } from '../stores/ecr-helper.js';
import { chooseStore, STORE_NAMES, STORES } from '../stores/index.js';
import type { AddContext } from '../stores/store.js';
import * as runner from './runner.js';
import type { LoginLog } from './state.js';
import type { DockerCredential, LoginMethod, RegistryFailure, Settings, StoreName } from './types.js';

export interface LoginSetup extends AddContext {
  method: LoginMethod;
  /** A job-private config (isolate-config): helpers are overridden for our hosts, so files always work. */
  isolated: boolean;
  /** Post's state: names each batch before its store writes it, then keeps only what the store added. */
  record: LoginLog;
}

/** Whether any login may need the docker CLI: only then is PATH searched for it. */
export function needsDocker(
  method: LoginMethod,
  config: DockerConfig,
  hosts: readonly string[],
  isolated: boolean,
): boolean {
  return hosts.some((h) => STORES[chooseStore(method, config, h, isolated)].needsDockerCli);
}

/** How a message names the hosts a helper owns: the default registry's host is unknown before its token. */
function whose(host: string): string {
  return host ? `${host}'s credentials` : "every registry's credentials (credsStore)";
}

/**
 * The reason this plan cannot work on this runner, known before any network call: a missing docker CLI
 * where one is needed, or config-file against a helper-owned host (the CLI would ignore `auths`). Hosts of
 * the Amazon ECR credential helper are served by it whatever the method (its store checks it at login).
 */
export function preflight(
  method: LoginMethod,
  config: DockerConfig,
  hosts: readonly string[],
  isolated: boolean,
  dockerFound: boolean,
): string | undefined {
  // Hosts Amazon's ECR helper serves go to the ecr-helper store, whatever the method.
  const owned = isolated ? [] : hosts.filter((h) => helperFor(config, h) && !servedByEcrHelper(config, h));
  const named = owned.find((host) => config.credHelpers?.[host]);
  if (method === 'helper' && named !== undefined) {
    return (
      `login-method is helper, but the docker config already sends ${whose(named)} to the credential helper ` +
      `"${helperFor(config, named)}"; ours would replace that entry. ` +
      'Set isolate-config: true (a job-private config), or drop that credHelpers entry.'
    );
  }
  if (method === 'helper') return undefined; // needs no docker CLI; our entry overrides a credsStore
  const h = owned[0];
  if (method === 'config-file' && h !== undefined) {
    return (
      `login-method is config-file, but the docker config sends ${whose(h)} to the credential helper ` +
      `"${helperFor(config, h)}", so docker would ignore a credential written to the file. ` +
      'Set isolate-config: true (a job-private config), or use login-method: auto.'
    );
  }
  if (dockerFound) return undefined;
  if (method === 'docker' && needsDocker(method, config, hosts, isolated)) {
    return 'login-method is docker, but the docker CLI was not found on PATH. Use login-method: auto or config-file on runners without docker.';
  }
  if (h !== undefined) {
    return (
      `The docker config sends ${whose(h)} to the credential helper "${helperFor(config, h)}", which only the ` +
      'docker CLI can drive, and docker was not found on PATH. Install docker, or set isolate-config: true.'
    );
  }
  return undefined;
}

/**
 * In a job-private config our hosts always use `auths`, for the docker CLI and for containers/image clients
 * (skopeo, podman, buildah) alike. Docker sends every host without a `credHelpers` entry to `credsStore`, and
 * only an empty entry would override that, but containers/image ignores `credsStore` and runs
 * `docker-credential-<value>` for any `credHelpers` entry, even an empty one (it then fails outright). So our
 * hosts' `credHelpers` entries are removed, and a `credsStore` is replaced by explicit `credHelpers` entries
 * for every other host the config names in `auths` (docker marks each host it stored in the helper there):
 * those hosts keep their helper; ours never reach it.
 */
function overrideHelpers(config: DockerConfig, hosts: readonly string[]): DockerConfig {
  if (!hosts.some((h) => helperFor(config, h))) return config;
  const ours = new Set(hosts.map((h) => h.toLowerCase()));
  const { credsStore, ...rest } = config;
  const credHelpers: Record<string, string> = {};
  if (credsStore) {
    for (const key of Object.keys(config.auths ?? {})) {
      if (!ours.has(authKeyHost(key))) credHelpers[key] = credsStore;
    }
  }
  for (const [key, helper] of Object.entries(config.credHelpers ?? {})) {
    if (!ours.has(key.toLowerCase())) credHelpers[key] = helper;
  }
  return { ...rest, credHelpers };
}

/** The login setup for these settings: registries are reached as the API is (proxy, timeout). */
export function loginSetup(
  settings: Settings,
  rest: Pick<LoginSetup, 'dir' | 'env' | 'tools' | 'record' | 'installed'>,
): LoginSetup {
  const verify = {
    env: rest.env,
    timeoutMs: settings.apiTimeoutSeconds * 1000,
    attempts: 3,
    ...(settings.httpProxy ? { httpProxy: settings.httpProxy } : {}),
  };
  return {
    ...rest,
    settings,
    method: settings.loginMethod,
    isolated: settings.isolateConfig,
    verify,
    warn: runner.warning,
  };
}

function failureOf(credential: DockerCredential, message: string): RegistryFailure {
  const { host, account, region } = credential;
  return { host, ...(account ? { account } : {}), region, message };
}

export async function login(
  credentials: readonly DockerCredential[],
  setup: LoginSetup,
): Promise<RegistryFailure[]> {
  const failures: RegistryFailure[] = [];
  let config = await readConfig(setup.dir);
  const hosts = credentials.map((c) => c.host);
  if (setup.isolated && overrideHelpers(config, hosts) !== config) {
    config = await updateConfig(setup.dir, (c) => overrideHelpers(c, hosts));
  }
  // preflight saw the planned hosts only; the token answer names the real ones (the default registry's
  // host is unknown before it): config-file never writes a credential that a helper would shadow.
  const batches = new Map<StoreName, DockerCredential[]>();
  for (const c of credentials) {
    const problem = setup.isolated ? undefined : preflight(setup.method, config, [c.host], false, true);
    if (problem) {
      failures.push(failureOf(c, problem));
      continue;
    }
    const name = chooseStore(setup.method, config, c.host, setup.isolated);
    batches.set(name, [...(batches.get(name) ?? []), c]);
  }
  // In registry order: the config-file store verifies all its hosts at once before docker logins start.
  for (const name of STORE_NAMES) {
    const batch = batches.get(name);
    if (!batch) continue;
    setup.record.intend(batch, name);
    const refusals = await STORES[name].add(batch, setup);
    setup.record.settle(
      batch,
      name,
      refusals.map((r) => r.credential),
    );
    for (const { credential, outcome } of refusals) {
      const message =
        helperFailureOf(credential, outcome, config, setup.env, setup.method) ??
        describeLoginFailure(credential, outcome, setup.verify);
      failures.push(failureOf(credential, message));
    }
  }
  return failures;
}

/** preflight for the planned hosts against the user's config; PATH is searched only when a store needs docker. */
export async function runnerProblem(
  settings: Settings,
  userDir: string,
  findDocker: () => Promise<string | undefined>,
): Promise<string | undefined> {
  const planned = [...settings.registries.map((r) => r.host), ...settings.aliases.map((a) => a.host)];
  const hosts = planned.length > 0 ? planned : [''];
  const { loginMethod: method, isolateConfig: isolated } = settings;
  try {
    const config = await readConfig(userDir);
    const dockerFound = needsDocker(method, config, hosts, isolated) && !!(await findDocker());
    return preflight(method, config, hosts, isolated, dockerFound);
  } catch (error) {
    runner.debug((error as Error).stack ?? String(error));
    return (error as Error).message;
  }
}
