// The docker client config (`$DOCKER_CONFIG/config.json`, else `~/.docker/config.json`). Everything we
// do not own (other auths, credHelpers, proxies, unknown keys) is carried through untouched; writes
// are atomic (temp file in the same directory + rename) so a reader never sees half a file.
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, realpath, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { withConfigLock } from './config-lock.js';

export interface AuthEntry {
  auth?: string;
  [key: string]: unknown;
}

export interface DockerConfig {
  auths?: Record<string, AuthEntry>;
  credsStore?: string;
  credHelpers?: Record<string, string>;
  [key: string]: unknown;
}

export function configDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.DOCKER_CONFIG?.trim() || join(homedir(), '.docker');
}

export function configFile(dir: string): string {
  return join(dir, 'config.json');
}

/** The config in `dir`; a missing or empty file is an empty config. Invalid JSON is an error (never overwritten). */
export async function readConfig(dir: string): Promise<DockerConfig> {
  let text: string;
  try {
    text = await readFile(configFile(dir), 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw e;
  }
  if (text.trim() === '') return {};
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as DockerConfig;
  } catch {
    // fall through: the message must not quote the file, which holds credentials
  }
  throw new Error(`${configFile(dir)} is not a JSON object; fix or remove it (it was left unchanged)`);
}

export async function writeConfig(dir: string, config: DockerConfig): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  // Like the docker CLI, write through a symlinked config.json (dotfile setups) instead of replacing the link.
  const target = await realpath(configFile(dir)).catch(() => configFile(dir));
  const temp = join(dirname(target), `.config.json.${randomBytes(6).toString('hex')}.tmp`);
  try {
    // docker writes tab-indented JSON; keep the file looking like its own.
    await writeFile(temp, `${JSON.stringify(config, null, '\t')}\n`, { mode: 0o600 });
    await chmod(temp, 0o600);
    await rename(temp, target);
  } catch (e) {
    await rm(temp, { force: true });
    throw e;
  }
}

/** `auths` keys are hosts, sometimes written with a scheme or trailing slash by older tools. */
export function authKeyHost(key: string): string {
  return key
    .replace(/^https?:\/\//i, '')
    .replace(/\/.*$/, '')
    .toLowerCase();
}

/** The credential helper that owns `host`, if any: the docker CLI then ignores `auths` for it. */
export function helperFor(config: DockerConfig, host: string): string | undefined {
  return config.credHelpers?.[host] ?? config.credsStore ?? undefined;
}

/** The `auths` keys that hold a credential for any of `hosts`. */
export function authKeysFor(config: DockerConfig, hosts: readonly string[]): string[] {
  const wanted = new Set(hosts.map((h) => h.toLowerCase()));
  return Object.keys(config.auths ?? {}).filter((key) => wanted.has(authKeyHost(key)));
}

/**
 * `before` with only `hosts`' `auths` entries taken from `after` (added, changed or removed). The docker CLI
 * rewrites the whole file on login/logout, dropping the keys it does not know and reordering the rest;
 * this puts everything that is not ours back as it was.
 */
export function restoreUserEntries(
  before: DockerConfig,
  after: DockerConfig,
  hosts: readonly string[],
): DockerConfig {
  const auths: Record<string, AuthEntry> = { ...before.auths };
  for (const key of authKeysFor(before, hosts)) delete auths[key];
  for (const key of authKeysFor(after, hosts)) auths[key] = after.auths?.[key] ?? {};
  if (before.auths === undefined && Object.keys(auths).length === 0) return before;
  return { ...before, auths };
}

/**
 * Reads, changes and atomically rewrites the config under the lock, so a concurrent job's entry is never
 * lost between our read and our rename. Writes only when `change` returns a new object; returns the result.
 */
export async function updateConfig(
  dir: string,
  change: (c: DockerConfig) => DockerConfig,
): Promise<DockerConfig> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  return withConfigLock(dir, async () => {
    const current = await readConfig(dir);
    const next = change(current);
    if (next !== current) await writeConfig(dir, next);
    return next;
  });
}

/**
 * Runs a docker CLI command that logs `hosts` in or out, under our config lock (the CLI takes none), then
 * rewrites the file as restoreUserEntries when the CLI changed more than those hosts' entries.
 */
export async function withUserEntriesKept<T>(
  dir: string,
  hosts: readonly string[],
  run: () => Promise<T>,
): Promise<T> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  return withConfigLock(dir, async () => {
    const before = await readConfig(dir);
    const result = await run();
    const after = await readConfig(dir);
    const fixed = restoreUserEntries(before, after, hosts);
    if (JSON.stringify(fixed) !== JSON.stringify(after)) await writeConfig(dir, fixed);
    return result;
  });
}

/** A copy of `config` without our hosts' `auths` entries; every other key is kept as it was. */
export function withoutHosts(config: DockerConfig, hosts: readonly string[]): DockerConfig {
  const drop = new Set(authKeysFor(config, hosts));
  if (drop.size === 0) return config;
  const auths = Object.fromEntries(Object.entries(config.auths ?? {}).filter(([k]) => !drop.has(k)));
  return { ...config, auths };
}
