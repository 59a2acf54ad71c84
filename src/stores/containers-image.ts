// What the docker-CLI store does after `docker login` so podman, skopeo and buildah (containers/image) see
// the credential too: they read `auths` and `credHelpers`, never `credsStore` or docker's platform default.

import type { DockerCredential } from '../action/types.js';
import { type DockerConfig, updateConfig } from '../docker/docker-config.js';
import { findOnPath } from '../docker/path-lookup.js';
import { storeHelperFor } from '../docker/store-helper.js';

/**
 * After `docker login` put a credential into the `credsStore` they ignore, containers/image clients would
 * find only docker's empty `auths` marker and push with no credential (401 on the blob HEAD). Our entry in
 * `auths` is what they read; docker keeps using the store for the host, and post removes both. A
 * `credHelpers` entry needs nothing: they run that helper themselves.
 */
function unseenByContainersImage(config: DockerConfig, host: string): boolean {
  return !!config.credsStore && !(config.credHelpers && host in config.credHelpers);
}

/**
 * With a config that names no store and holds no credentials, docker put the first credential into the
 * platform's default store, which containers/image never reads. A copy in `auths` would make docker stop
 * using that store, and post's `docker logout` would then leave the credential in it, so the job is told
 * instead. Only the first login goes there: its `auths` marker sends the rest to the file.
 */
function defaultStoreWarning(before: DockerConfig, host: string, env: NodeJS.ProcessEnv): string | undefined {
  const store = storeHelperFor(before, host, process.platform, (name) => !!findOnPath(name, env));
  if (store?.source !== 'default') return undefined;
  return (
    `docker login stored the credential for ${host} in docker-credential-${store.helper}, ` +
    "the platform's default store (the docker config names none and had no credentials): podman, buildah and " +
    'skopeo do not read that store and will get 401 from these registries. Fix: login-method: auto (the credential ' +
    'goes into config.json, which every client reads), or isolate-config: true.'
  );
}

/** `before` is the config as it was before the logins; `loggedIn` the credentials docker took, in order. */
export async function showToContainersImage(
  dir: string,
  before: DockerConfig,
  loggedIn: readonly DockerCredential[],
  env: NodeJS.ProcessEnv,
  warn: (text: string) => void,
): Promise<void> {
  const unseen = loggedIn.filter((c) => unseenByContainersImage(before, c.host));
  if (unseen.length > 0) {
    await updateConfig(dir, (c) => ({
      ...c,
      auths: { ...c.auths, ...Object.fromEntries(unseen.map((u) => [u.host, { auth: u.auth }])) },
    }));
  }
  const warning = loggedIn[0] && defaultStoreWarning(before, loggedIn[0].host, env);
  if (warning) warn(warning);
}
