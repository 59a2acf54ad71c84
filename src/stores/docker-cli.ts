// The docker-CLI store: credentials are handed to `docker login`, which passes them to the host's
// credential helper (or writes the file). The docker CLI takes no lock and rewrites the whole file (dropping
// the keys it does not know), so it never runs on the user's file: each login and logout runs against a
// private copy of it (the same config, so docker picks exactly the store it would pick for the real file),
// with no lock held while docker runs; then only our host's entry is applied to the file as it is now,
// under the lock. The copy may hold other credentials: 0600 in a 0700 directory, removed at once. After the
// logins, hosts whose credential went to a credsStore get an `auths` copy for podman, skopeo and buildah.

import { afterCredentialWrite } from '../action/test-hooks.js';
import type { DockerCredential } from '../action/types.js';
import type { DockerResult } from '../docker/docker-cli.js';
import {
  authKeysFor,
  type DockerConfig,
  helperFor,
  readConfig,
  restoreUserEntries,
  updateConfig,
} from '../docker/docker-config.js';
import { onPrivateCopy } from '../docker/private-copy.js';
import { configFileStore } from './config-file.js';
import { showToContainersImage } from './containers-image.js';
import type { CredentialStore, Refusal } from './store.js';

/** The docker CLI's environment: a config directory, and the `http-proxy` input as its proxy too. */
function dockerEnv(env: NodeJS.ProcessEnv, dir: string, proxy?: string): NodeJS.ProcessEnv {
  const proxyEnv = proxy
    ? { HTTPS_PROXY: proxy, https_proxy: proxy, HTTP_PROXY: proxy, http_proxy: proxy }
    : {};
  return { ...env, ...proxyEnv, DOCKER_CONFIG: dir };
}

/** Where `host`'s credential lives when docker put it in a helper: its name, or docker's default store. */
function helperHolding(config: DockerConfig, host: string): string | undefined {
  const helper = helperFor(config, host);
  if (helper) return `docker-credential-${helper}`;
  // An entry without `auth` is the marker docker leaves when its default store took the secret.
  const marker = authKeysFor(config, [host]).some((k) => config.auths?.[k]?.auth === undefined);
  return marker ? "docker's default credential helper" : undefined;
}

export const dockerCliStore: CredentialStore = {
  label: 'docker CLI',
  needsDockerCli: true,
  holdsCredentials: true,

  async add(credentials, { dir, env, verify, tools, warn }) {
    const refused: Refusal[] = [];
    const loggedIn: DockerCredential[] = [];
    const before = await readConfig(dir);
    for (const c of credentials) {
      const { result, after } = await onPrivateCopy(dir, env, async (copy) => {
        const result = await tools.dockerLogin(
          c.host,
          c.username,
          c.password,
          dockerEnv(env, copy, verify.httpProxy),
          verify.timeoutMs,
        );
        return { result, after: result.ok ? await readConfig(copy) : undefined };
      });
      if (!after) {
        const { ok, message, ...ran } = result;
        refused.push({ credential: c, outcome: { store: 'docker-cli', detail: message, ...ran } });
        continue;
      }
      // What docker left for our host (the `auth` entry, or a helper's marker), on the file as it is now.
      await updateConfig(dir, (now) => restoreUserEntries(now, after, [c.host]));
      afterCredentialWrite(env);
      loggedIn.push(c);
    }
    await showToContainersImage(dir, before, loggedIn, env, warn);
    return refused;
  },

  async remove(hosts, context) {
    const { dir, env, tools, debug, warning } = context;
    const config = await readConfig(dir).catch((): DockerConfig => ({}));
    for (const host of hosts) {
      const result = await onPrivateCopy(dir, env, (copy) =>
        tools.dockerLogout(host, dockerEnv(env, copy)),
      ).catch((e: Error): DockerResult => ({ ok: false, message: e.message }));
      if (result.ok) continue;
      debug(`docker logout ${host}: ${result.message}`);
      const helper = helperHolding(config, host);
      if (!helper) continue;
      const why =
        result.timedOutAfterMs === undefined
          ? `docker logout failed (${result.message})`
          : `docker logout did not finish within ${result.timedOutAfterMs / 1000} s and was stopped`;
      warning(
        `Could not remove the credential for ${host} from ${helper}: ${why}. Its entry in the docker config ` +
          `is removed; run \`docker logout ${host}\` where docker can reach that helper.`,
      );
    }
    // The file's entries go whether or not docker ran: what docker logout left (an `auths` marker, a
    // scheme-prefixed key), or the whole credential when docker could not run.
    await configFileStore.remove(hosts, context);
  },
};
