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
import type { LoginMethod } from './inputs.js';
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
}

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
  return method === 'docker' || (!isolated && hosts.some((h) => helperFor(config, h)));
}

/** How a message names the hosts a helper owns: the default registry's host is unknown before its token. */
function whose(host: string): string {
  return host ? `${host}'s credentials` : "every registry's credentials (credsStore)";
}

/**
 * The reason this plan cannot work on this runner, known before any network call: a missing docker CLI
 * where one is needed, config-file against a helper-owned host (the CLI would ignore `auths`), or a host
 * owned by the Amazon ECR credential helper, which cannot store a credential.
 */
export function preflight(
  method: LoginMethod,
  config: DockerConfig,
  hosts: readonly string[],
  isolated: boolean,
  dockerFound: boolean,
): string | undefined {
  const owned = isolated ? [] : hosts.filter((h) => helperFor(config, h));
  const ecrHelper = owned.find((h) => helperFor(config, h) === 'ecr-login');
  if (ecrHelper !== undefined) {
    return (
      `The docker config sends ${whose(ecrHelper)} to docker-credential-ecr-login, the Amazon ECR credential ` +
      'helper: it fetches its own tokens and cannot store ours (docker login fails with "not implemented"). ' +
      'Drop that credHelpers/credsStore entry, or set isolate-config: true to log in to a job-private config.'
    );
  }
  const h = owned[0];
  if (method === 'config-file' && h !== undefined) {
    return (
      `login-method is config-file, but the docker config sends ${whose(h)} to the credential helper ` +
      `"${helperFor(config, h)}", so docker would ignore a credential written to the file. ` +
      'Set isolate-config: true (a job-private config), or use login-method: auto.'
    );
  }
  if (dockerFound) return undefined;
  if (method === 'docker') {
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

export async function loginAll(
  creds: readonly Credential[],
  setup: LoginSetup,
  deps: LoginDeps,
  onLogin: (cred: Credential, via: Via) => void,
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
  const usable = creds.filter((c) => {
    const problem = setup.isolated ? undefined : preflight(setup.method, config, [c.host], false, true);
    if (problem) failures.push({ cred: c, message: problem });
    return !problem;
  });

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
          );
          if (result.ok) onLogin(c, 'docker');
          else
            failures.push({
              cred: c,
              message: describeLoginFailure(c, { via: 'docker', detail: result.message }, setup.probe),
            });
        }
      },
    );
  }
  return failures;
}
