// The helper store (login-method: helper): instead of a token, the config names the job's credential
// helper for each host (`credHelpers`), and the helper answers clients from its cache, renewing a token
// close to expiry. Credentials are verified at /v2/ first, as the config-file store does. Order matters
// for post: login names the hosts in state before add, and add saves the helper's home before the cache
// is written or the config names it, so a main that stops anywhere still gets everything removed.
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import * as runner from '../action/runner.js';
import type { DockerCredential } from '../action/types.js';
import { type DockerConfig, readConfig, updateConfig } from '../docker/docker-config.js';
import { partitionOfRegion, type Registry } from '../ecr/registry.js';
import { type HostRequest, newEntry, REFRESH_MARGIN_SECONDS, writeEntry } from '../helper/cache.js';
import { credHelperEntries, installHelper, removeHelper } from '../helper/launcher.js';
import type { CredentialStore } from './store.js';
import { verifyAll } from './verified.js';

const runnerTemp = (env: NodeJS.ProcessEnv) => env.RUNNER_TEMP || tmpdir();

/** The helper bundle beside the running one: dist/main/index.js → dist/helper/index.js. */
const bundleBesideMain = () => join(dirname(process.argv[1] ?? ''), '..', 'helper', 'index.js');

/** The refresh margin; tests lower it through ECR_LOGIN_HELPER_MARGIN_SECONDS to use short-lived tokens. */
function refreshMargin(env: NodeJS.ProcessEnv): number {
  const raw = env.ECR_LOGIN_HELPER_MARGIN_SECONDS;
  if (raw === undefined || raw === '') return REFRESH_MARGIN_SECONDS;
  if (!/^\d{1,6}$/.test(raw))
    throw new Error(`ECR_LOGIN_HELPER_MARGIN_SECONDS must be a whole number of seconds, not "${raw}"`);
  return Number(raw);
}

/**
 * The request that renews one host's token: its own account only. The registry it was listed as gives
 * the partition and FIPS; the caller's default registry (none listed) is a standard one in its region.
 */
export function hostRequest(credential: DockerCredential, registry: Registry | undefined): HostRequest {
  const role = {
    ...(credential.role ? { role: credential.role } : {}),
    ...(credential.profile ? { profile: credential.profile } : {}),
  };
  if (credential.kind === 'public') return { kind: 'public', region: 'us-east-1', ...role };
  const listed = registry?.kind === 'private' ? registry : undefined;
  return {
    kind: 'private',
    partition: listed?.partition ?? partitionOfRegion(credential.region),
    region: credential.region,
    fips: listed?.fips ?? false,
    ...(credential.account ? { account: credential.account } : {}),
    ...role,
  };
}

/** The config without credHelpers entries that name `name` (ours); every other entry is kept. */
export function withoutHelper(config: DockerConfig, name: string): DockerConfig {
  const entries = Object.entries(config.credHelpers ?? {});
  if (!entries.some(([, v]) => v === name)) return config;
  return { ...config, credHelpers: Object.fromEntries(entries.filter(([, v]) => v !== name)) };
}

export const helperStore: CredentialStore = {
  label: 'credential helper',
  needsDockerCli: false,
  holdsCredentials: true,
  renewsTokens: true,

  async add(credentials, context) {
    const { dir, env, settings, tools } = context;
    const { verified, refused } = await verifyAll(credentials, context, 'helper');
    if (verified.length === 0) return refused;
    const margin = refreshMargin(env);
    const home = await installHelper(runnerTemp(env), tools.helperBundle ?? bundleBesideMain());
    context.installed({ dir: home.dir, name: home.name, id: home.id });
    const api = {
      maxAttempts: settings.maxAttempts,
      timeoutSeconds: settings.apiTimeoutSeconds,
      ...(settings.httpProxy ? { httpProxy: settings.httpProxy } : {}),
      env,
    };
    await Promise.all(
      verified.map((c) => {
        const request = hostRequest(c, settings.registries[c.order]);
        return writeEntry(home.cacheDir, newEntry(c, request, api, margin));
      }),
    );
    const entries = credHelperEntries(
      verified.map((c) => c.host),
      home.name,
    );
    await updateConfig(dir, (c) => ({ ...c, credHelpers: { ...c.credHelpers, ...entries } }));
    runner.addPath(home.binDir);
    return refused;
  },

  async remove(_hosts, { dir, env, helper }) {
    if (!helper) throw new Error('the saved state names no credential helper');
    // Only entries that still name our helper: another job or the user may have set the host since.
    await updateConfig(dir, (c) => withoutHelper(c, helper.name));
    await removeHelper(helper, runnerTemp(env));
    // Verify: no entry names the helper any more, and its home is gone.
    const still = Object.entries((await readConfig(dir)).credHelpers ?? {}).filter(
      ([, v]) => v === helper.name,
    );
    if (still.length > 0)
      throw new Error(`credHelpers still names ${helper.name} for ${still.map(([k]) => k).join(', ')}`);
    if (existsSync(helper.dir))
      throw new Error(`the credential helper directory ${helper.dir} is still there`);
  },
};
