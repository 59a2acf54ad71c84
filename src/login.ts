// Logs the credentials in. Where the docker config keeps a host's credentials in `auths`, each
// credential is proven at /v2/ (all at once) and written in one locked, atomic update; where a credential
// helper owns the host, `docker login` hands it to the helper. No docker process is spawned otherwise.
import type { Credential } from './credentials.js';
import { describeLoginFailure } from './diagnose-login.js';
import type { DockerResult, dockerLogin } from './docker-cli.js';
import {
  authKeyHost,
  type DockerConfig,
  helperFor,
  readConfig,
  updateConfig,
  withUserEntriesKept,
} from './docker-config.js';
import { checkEcrHelper, servedByEcrHelper } from './ecr-helper.js';
import { describeHelperFailure, storeHelperFor } from './helper-failure.js';
import type { LoginMethod } from './inputs.js';
import { findOnPath } from './path-lookup.js';
import type { ProbeResult, ProbeSettings, proveCredential } from './probe.js';
import type { Via } from './state.js';

export interface LoginDeps {
  dockerLogin: typeof dockerLogin;
  prove: typeof proveCredential;
}

export interface LoginSetup {
  method: LoginMethod;
  dir: string;
  /** A job-private config (isolate-config): helpers are overridden for our hosts, so files always work. */
  isolated: boolean;
  env: NodeJS.ProcessEnv;
  probe: ProbeSettings;
  /** A warning for the job log (once per run). */
  warn?: (text: string) => void;
}

/** How a credential reached the job: written or `docker login`, or served by the Amazon ECR credential helper. */
export type Served = Via | 'ecr-helper';

export interface LoginFailure {
  cred: Credential;
  message: string;
}

export function chooseVia(method: LoginMethod, config: DockerConfig, host: string): Via {
  if (method === 'docker') return 'docker';
  if (method === 'config-file') return 'file';
  return helperFor(config, host) ? 'docker' : 'file';
}

/** Whether any login may need the docker CLI: only then is PATH searched for it. */
export function needsDocker(
  method: LoginMethod,
  config: DockerConfig,
  hosts: readonly string[],
  isolated: boolean,
): boolean {
  return method === 'docker' || (!isolated && hosts.some((h) => ownedByStore(config, h)));
}

/** A credential helper that `docker login` must feed owns the host (the Amazon ECR helper feeds itself). */
function ownedByStore(config: DockerConfig, host: string): boolean {
  return !!helperFor(config, host) && !servedByEcrHelper(config, host);
}

/** How a message names the hosts a helper owns: the default registry's host is unknown before its token. */
function whose(host: string): string {
  return host ? `${host}'s credentials` : "every registry's credentials (credsStore)";
}

/**
 * The reason this plan cannot work on this runner, known before any network call: a missing docker CLI
 * where one is needed, or config-file against a helper-owned host (the CLI would ignore `auths`). Hosts of
 * the Amazon ECR credential helper are served by it (checked at login), whatever the method.
 */
export function preflight(
  method: LoginMethod,
  config: DockerConfig,
  hosts: readonly string[],
  isolated: boolean,
  dockerFound: boolean,
): string | undefined {
  const owned = isolated ? [] : hosts.filter((h) => ownedByStore(config, h));
  const h = owned[0];
  if (method === 'config-file' && h !== undefined) {
    return (
      `login-method is config-file, but the docker config sends ${whose(h)} to the credential helper ` +
      `"${helperFor(config, h)}", so docker would ignore a credential written to the file. ` +
      'Set isolate-config: true (a job-private config), or use login-method: auto.'
    );
  }
  if (dockerFound) return undefined;
  if (method === 'docker' && hosts.some((x) => isolated || !servedByEcrHelper(config, x))) {
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

/** The docker CLI's environment: our config directory, and the `http-proxy` input as its proxy too. */
function dockerEnv(setup: LoginSetup): NodeJS.ProcessEnv {
  const proxy = setup.probe.httpProxy;
  const proxyEnv = proxy
    ? { HTTPS_PROXY: proxy, https_proxy: proxy, HTTP_PROXY: proxy, http_proxy: proxy }
    : {};
  return { ...setup.env, ...proxyEnv, DOCKER_CONFIG: setup.dir };
}

function authOf(cred: Credential): string {
  return Buffer.from(`${cred.username}:${cred.password}`).toString('base64');
}

/** A refused `docker login`: the credential helper's failure when one took part, else the login diagnosis. */
function dockerLoginFailure(
  cred: Credential,
  result: DockerResult,
  config: DockerConfig,
  setup: LoginSetup,
): string {
  const store = storeHelperFor(config, cred.host, process.platform, (name) => !!findOnPath(name, setup.env));
  const helperMessage = describeHelperFailure(
    {
      ...(store ? { helper: store.helper } : {}),
      host: cred.host,
      action: 'docker login',
      output: result.message,
      ...(result.exitCode !== undefined ? { exitCode: result.exitCode } : {}),
      ...(result.timedOutAfterMs !== undefined ? { timedOutAfterMs: result.timedOutAfterMs } : {}),
      secretLength: cred.password.length,
      source: store?.source ?? 'config',
      methodDocker: setup.method === 'docker',
    },
    setup.env,
    [cred.password],
  );
  if (helperMessage) return helperMessage;
  const detail =
    result.timedOutAfterMs !== undefined
      ? `it did not finish within ${Math.round(result.timedOutAfterMs / 1000)} s and was stopped${result.message ? ` (${result.message})` : ''}`
      : result.message;
  return describeLoginFailure(cred, { via: 'docker', detail }, setup.probe);
}

/**
 * podman, skopeo and buildah (containers/image) ignore `credsStore`: after `docker login` put a credential
 * into that store they would find only docker's empty `auths` marker and push with no credential (401 on
 * the blob HEAD). Our entry in `auths` is what they read; docker keeps using the store for the host, and
 * post removes both. A `credHelpers` entry needs nothing: they run that helper themselves.
 */
function unseenByContainersImage(config: DockerConfig, host: string): boolean {
  return !!config.credsStore && !(config.credHelpers && host in config.credHelpers);
}

/** Hosts served by the Amazon ECR credential helper: checked, never written. */
async function checkEcrHelperHosts(
  creds: readonly Credential[],
  setup: LoginSetup,
  onLogin: (cred: Credential, via: Served) => void,
): Promise<LoginFailure[]> {
  const problems = await Promise.all(
    creds.map((c) => checkEcrHelper(c.host, setup.env, setup.probe.timeoutMs)),
  );
  const failures: LoginFailure[] = [];
  creds.forEach((c, i) => {
    const message = problems[i];
    if (message) failures.push({ cred: c, message });
    else onLogin(c, 'ecr-helper');
  });
  return failures;
}

export async function loginAll(
  creds: readonly Credential[],
  setup: LoginSetup,
  deps: LoginDeps,
  onLogin: (cred: Credential, via: Served) => void,
): Promise<LoginFailure[]> {
  const failures: LoginFailure[] = [];
  let config = await readConfig(setup.dir);
  const hosts = creds.map((c) => c.host);
  if (setup.isolated && overrideHelpers(config, hosts) !== config) {
    config = await updateConfig(setup.dir, (c) => overrideHelpers(c, hosts));
  }
  const viaOf = (c: Credential) => chooseVia(setup.method, config, c.host);
  // preflight saw the planned hosts only; the token answer names the real ones (the default registry's
  // host is unknown before it): config-file never writes a credential that a helper would shadow.
  const checked = creds.filter((c) => {
    const problem = setup.isolated ? undefined : preflight(setup.method, config, [c.host], false, true);
    if (problem) failures.push({ cred: c, message: problem });
    return !problem;
  });
  const byEcrHelper = (c: Credential) => !setup.isolated && servedByEcrHelper(config, c.host);
  failures.push(...(await checkEcrHelperHosts(checked.filter(byEcrHelper), setup, onLogin)));
  const usable = checked.filter((c) => !byEcrHelper(c));

  const direct = usable.filter((c) => viaOf(c) === 'file');
  const proofs: ProbeResult[] = await Promise.all(
    direct.map((c) => deps.prove(c.scheme, c.host, authOf(c), setup.probe)),
  );
  const proven = direct.filter((c, i) => {
    const proof = proofs[i];
    if (proof?.ok) return true;
    failures.push({
      cred: c,
      message: describeLoginFailure(
        c,
        {
          via: 'proof',
          ...(proof?.status !== undefined ? { status: proof.status } : {}),
          detail: proof?.message ?? '',
        },
        setup.probe,
      ),
    });
    return false;
  });
  if (proven.length > 0) {
    await updateConfig(setup.dir, (c) => ({
      ...c,
      auths: { ...c.auths, ...Object.fromEntries(proven.map((p) => [p.host, { auth: authOf(p) }])) },
    }));
    for (const c of proven) onLogin(c, 'file');
  }

  // One at a time, all under one hold of our lock: the docker CLI does not lock the config file, and it
  // drops the keys it does not know (the user's), which are put back once after the last login.
  const viaDocker = usable.filter((x) => viaOf(x) === 'docker');
  if (viaDocker.length > 0) {
    await withUserEntriesKept(
      setup.dir,
      viaDocker.map((c) => c.host),
      async () => {
        for (const c of viaDocker) {
          const result: DockerResult = await deps.dockerLogin(
            c.host,
            c.username,
            c.password,
            dockerEnv(setup),
            setup.probe.timeoutMs,
          );
          if (result.ok) onLogin(c, 'docker');
          else failures.push({ cred: c, message: dockerLoginFailure(c, result, config, setup) });
        }
      },
    );
    const failed = new Set(failures.map((f) => f.cred));
    const unseen = viaDocker.filter((c) => !failed.has(c) && unseenByContainersImage(config, c.host));
    if (unseen.length > 0) {
      await updateConfig(setup.dir, (c) => ({
        ...c,
        auths: { ...c.auths, ...Object.fromEntries(unseen.map((u) => [u.host, { auth: authOf(u) }])) },
      }));
    }
    warnDefaultStore(viaDocker, failed, config, setup);
  }
  return failures;
}

/**
 * login-method: docker with a config that names no store and holds no credentials: docker put the credential
 * into the platform's default store, which containers/image never reads. Our copy in `auths` would make docker
 * stop using that store, and post's `docker logout` would then leave the credential in it, so the job is
 * told instead, once.
 */
function warnDefaultStore(
  viaDocker: readonly Credential[],
  failed: ReadonlySet<Credential>,
  config: DockerConfig,
  setup: LoginSetup,
): void {
  // Only the first login goes there: it leaves an `auths` marker, so docker uses the file for the rest.
  const first = viaDocker.find((c) => !failed.has(c));
  if (!first || !setup.warn) return;
  const store = storeHelperFor(config, first.host, process.platform, (name) => !!findOnPath(name, setup.env));
  if (store?.source !== 'default') return;
  setup.warn(
    `docker login stored the credential for ${first.host} in docker-credential-${store.helper}, ` +
      "the platform's default store (the docker config names none and had no credentials): podman, buildah and " +
      'skopeo do not read that store and will get 401 from these registries. Fix: login-method: auto (the credential ' +
      'goes into config.json, which every client reads), or isolate-config: true.',
  );
}
