// The docker-CLI store: credentials are handed to `docker login`, which passes them to the host's
// credential helper (or the file). One login at a time, all under one hold of our lock: the docker CLI
// does not lock the config file, and it drops the keys it does not know (the user's), which are put back
// once after the last login or logout.
import { readConfig, withUserEntriesKept } from '../docker-config.js';
import type { DockerCredential } from '../types.js';
import { configFileStore } from './config-file.js';
import { showToContainersImage } from './containers-image.js';
import type { CredentialStore, Refusal } from './store.js';

/** The docker CLI's environment: our config directory, and the `http-proxy` input as its proxy too. */
function dockerEnv(env: NodeJS.ProcessEnv, dir: string, proxy: string | undefined): NodeJS.ProcessEnv {
  const proxyEnv = proxy
    ? { HTTPS_PROXY: proxy, https_proxy: proxy, HTTP_PROXY: proxy, http_proxy: proxy }
    : {};
  return { ...env, ...proxyEnv, DOCKER_CONFIG: dir };
}

export const dockerCliStore: CredentialStore = {
  label: 'docker CLI',
  needsDockerCli: true,
  holdsCredentials: true,

  async add(credentials, { dir, env, verify, tools, added, warn }) {
    const refused: Refusal[] = [];
    const loggedIn: DockerCredential[] = [];
    const before = await readConfig(dir);
    const loginEnv = dockerEnv(env, dir, verify.httpProxy);
    await withUserEntriesKept(
      dir,
      credentials.map((c) => c.host),
      async () => {
        for (const c of credentials) {
          const { ok, message, ...ran } = await tools.dockerLogin(
            c.host,
            c.username,
            c.password,
            loginEnv,
            verify.timeoutMs,
          );
          if (ok) {
            added(c);
            loggedIn.push(c);
          } else refused.push({ credential: c, outcome: { store: 'docker-cli', detail: message, ...ran } });
        }
      },
    );
    await showToContainersImage(dir, before, loggedIn, env, warn);
    return refused;
  },

  async remove(hosts, context) {
    const { dir, env, tools, debug } = context;
    const logoutEnv = { ...env, DOCKER_CONFIG: dir };
    const logoutAll = async () => {
      for (const host of hosts) {
        const result = await tools.dockerLogout(host, logoutEnv);
        if (!result.ok) debug(`docker logout ${host}: ${result.message}`);
      }
    };
    await withUserEntriesKept(dir, hosts, logoutAll).catch(async (e: Error) => {
      // Could not read or restore the file around them: log out all the same (the sweep below still runs).
      debug(`keeping the docker config's other entries around docker logout: ${e.message}`);
      await logoutAll();
    });
    // Whatever docker logout left in the file (an `auths` marker, a scheme-prefixed key) goes too.
    await configFileStore.remove(hosts, context);
  },
};
