// Every credential store, by name, and the rule that picks one per host. Adding a store: one file
// implementing CredentialStore, one line in STORES (its key is the name state and post know it by), and
// its case in chooseStore.

import type { LoginMethod, StoreName } from '../action/types.js';
import { type DockerConfig, helperFor } from '../docker/docker-config.js';
import { configFileStore } from './config-file.js';
import { dockerCliStore } from './docker-cli.js';
import { ecrHelperStore, servedByEcrHelper } from './ecr-helper.js';
import { helperStore } from './helper.js';
import type { CredentialStore } from './store.js';

export const STORES = {
  'config-file': configFileStore,
  'docker-cli': dockerCliStore,
  'ecr-helper': ecrHelperStore,
  helper: helperStore,
} as const satisfies Record<string, CredentialStore>;

export function isStoreName(name: unknown): name is StoreName {
  return typeof name === 'string' && Object.hasOwn(STORES, name);
}

/** Every store's name, in registry order (the order login and post take them in). */
export const STORE_NAMES: readonly StoreName[] = Object.keys(STORES).filter(isStoreName);

/**
 * A host the docker config hands to the Amazon ECR credential helper → that helper, whatever the method (it
 * fetches its own tokens and cannot store ours); login-method helper → the job's credential helper; docker
 * → the docker CLI; config-file → the file (preflight refuses helper-owned hosts); auto → the file unless a
 * credential helper owns the host. In a job-private config (isolate-config) our hosts' helpers are
 * overridden, so they never count.
 */
export function chooseStore(
  method: LoginMethod,
  config: DockerConfig,
  host: string,
  isolated: boolean,
): StoreName {
  if (!isolated && servedByEcrHelper(config, host)) return 'ecr-helper';
  if (method === 'helper') return 'helper';
  if (method === 'docker') return 'docker-cli';
  if (method === 'config-file' || isolated) return 'config-file';
  return helperFor(config, host) ? 'docker-cli' : 'config-file';
}
