// The config-file store: every credential is verified at /v2/ (all at once), then written straight into
// config.json `auths` in one locked, atomic update for the batch. No docker process is spawned.

import { afterCredentialWrite } from '../action/test-hooks.js';
import { authKeysFor, readConfig, updateConfig, withoutHosts } from '../docker/docker-config.js';
import type { CredentialStore } from './store.js';
import { verifyAll } from './verified.js';

export const configFileStore: CredentialStore = {
  label: 'config file',
  needsDockerCli: false,
  holdsCredentials: true,

  async add(credentials, context) {
    const { dir, env } = context;
    const { verified, refused } = await verifyAll(credentials, context, 'config-file');
    if (verified.length > 0) {
      await updateConfig(dir, (c) => ({
        ...c,
        auths: { ...c.auths, ...Object.fromEntries(verified.map((v) => [v.host, { auth: v.auth }])) },
      }));
      afterCredentialWrite(env);
    }
    return refused;
  },

  async remove(hosts, { dir }) {
    // Under the lock main takes: another job sharing this config must not lose an entry it adds meanwhile.
    if (authKeysFor(await readConfig(dir), hosts).length > 0) {
      await updateConfig(dir, (c) => withoutHosts(c, hosts));
    }
  },
};
