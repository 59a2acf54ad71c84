// Logs the credentials in. Where the docker config keeps a host's credentials in `auths`, each
// credential is proven at /v2/ (all at once) and written in one locked, atomic update; where a credential
// helper owns the host, `docker login` hands it to the helper. No docker process is spawned otherwise.
import { mkdir } from 'node:fs/promises';
import { withConfigLock } from './config-lock.js';
import type { Credential } from './credentials.js';
import type { DockerResult, dockerLogin } from './docker-cli.js';
import { type DockerConfig, helperFor, readConfig, writeConfig } from './docker-config.js';
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

/**
 * The reason this plan cannot work on this runner, known before any network call: a missing docker CLI
 * where one is needed, or config-file against a helper-owned host (the CLI would ignore `auths`).
 */
export function preflight(
  method: LoginMethod,
  config: DockerConfig,
  hosts: readonly string[],
  isolated: boolean,
  dockerFound: boolean,
): string | undefined {
  const owned = isolated ? [] : hosts.filter((h) => helperFor(config, h));
  if (method === 'config-file' && owned.length > 0) {
    const h = owned[0] ?? '';
    return (
      `login-method is config-file, but the docker config sends ${h}'s credentials to the credential helper ` +
      `"${helperFor(config, h)}", so docker would ignore a credential written to the file. ` +
      'Set isolate-config: true (a job-private config), or use login-method: auto.'
    );
  }
  if (dockerFound) return undefined;
  if (method === 'docker') {
    return 'login-method is docker, but the docker CLI was not found on PATH. Use login-method: auto or config-file on runners without docker.';
  }
  if (owned.length > 0) {
    const h = owned[0] ?? '';
    return (
      `The docker config sends ${h}'s credentials to the credential helper "${helperFor(config, h)}", which only the ` +
      'docker CLI can drive, and docker was not found on PATH. Install docker, or set isolate-config: true.'
    );
  }
  return undefined;
}

/** In a job-private config our hosts always use `auths`: an empty credHelpers entry overrides a helper. */
function overrideHelpers(config: DockerConfig, hosts: readonly string[]): DockerConfig {
  const owned = hosts.filter((h) => helperFor(config, h));
  if (owned.length === 0) return config;
  return {
    ...config,
    credHelpers: { ...config.credHelpers, ...Object.fromEntries(owned.map((h) => [h, ''])) },
  };
}

function authOf(cred: Credential): string {
  return Buffer.from(`${cred.username}:${cred.password}`).toString('base64');
}

/** Reads, changes and atomically rewrites the config under the lock. */
export async function updateConfig(dir: string, change: (c: DockerConfig) => DockerConfig): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await withConfigLock(dir, async () => writeConfig(dir, change(await readConfig(dir))));
}

export async function loginAll(
  creds: readonly Credential[],
  setup: LoginSetup,
  deps: LoginDeps,
  onLogin: (cred: Credential, via: Via) => void,
): Promise<LoginFailure[]> {
  const failures: LoginFailure[] = [];
  let config = await readConfig(setup.dir);
  if (setup.isolated) {
    const hosts = creds.map((c) => c.host);
    if (overrideHelpers(config, hosts) !== config) {
      await updateConfig(setup.dir, (c) => overrideHelpers(c, hosts));
      config = await readConfig(setup.dir);
    }
  }
  const viaOf = (c: Credential) => chooseVia(setup.method, config, c.host);

  const direct = creds.filter((c) => viaOf(c) === 'file');
  const proofs: ProbeResult[] = await Promise.all(
    direct.map((c) => deps.prove(c.scheme, c.host, authOf(c), setup.probe)),
  );
  const proven = direct.filter((c, i) => {
    const proof = proofs[i];
    if (proof?.ok) return true;
    failures.push({
      cred: c,
      message: `the registry refused the credential: ${proof?.message ?? 'no answer'}`,
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

  // One at a time: the docker CLI does not lock the config file.
  for (const c of creds.filter((x) => viaOf(x) === 'docker')) {
    const result: DockerResult = await deps.dockerLogin(c.host, c.username, c.password, {
      ...setup.env,
      DOCKER_CONFIG: setup.dir,
    });
    if (result.ok) onLogin(c, 'docker');
    else failures.push({ cred: c, message: `docker login failed: ${result.message}` });
  }
  return failures;
}
