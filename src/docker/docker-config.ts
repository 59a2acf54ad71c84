// The docker client config (`$DOCKER_CONFIG/config.json`, else `~/.docker/config.json`). Every change is
// applied, under our lock, to the file as it is at that moment, by editing its text in place: everything
// we do not own keeps its exact bytes, and the file its owner and mode. Writes are atomic (a temp file
// beside the target, then rename), so a reader never sees half a file.
import { mkdir, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { type LockOptions, lockOptions, withConfigLock } from './config-lock.js';
import { duplicateKeys, editJson, isObject, jsonTree } from './json-edit.js';
import { linkTarget, readText, replaceFile, sweepTemps } from './replace-file.js';

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

interface Loaded {
  /** The file's text ('' when there is none). */
  text: string;
  config: DockerConfig;
}

/** The config in `dir`; a missing or empty file is an empty config. A file we cannot safely edit is an error. */
export async function readConfig(dir: string): Promise<DockerConfig> {
  return (await loadConfig(dir)).config;
}

async function loadConfig(dir: string): Promise<Loaded> {
  const file = configFile(dir);
  const text = await readText(file);
  if (text.trim() === '') return { text, config: {} };
  const parsed = parseConfig(text);
  if (typeof parsed === 'string')
    throw new Error(`${file} ${parsed}; fix or remove it (it was left unchanged)`);
  return { text, config: parsed };
}

/**
 * The config in `text`, or what makes it one we refuse to edit. The docker CLI takes such a file silently
 * (a non-object `auths` or `credHelpers` is dropped, duplicate keys are merged) and rewrites it; we never
 * rewrite what we cannot read the way every client does. Messages never quote values (they hold secrets).
 */
function parseConfig(text: string): DockerConfig | string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  if (!isObject(parsed)) return 'is not a JSON object';
  const tree = jsonTree(text);
  const name = JSON.stringify;
  const [dup] = duplicateKeys(tree);
  if (dup !== undefined) return `names ${name(dup)} more than once`;
  if (parsed.credsStore !== undefined && typeof parsed.credsStore !== 'string')
    return 'has "credsStore" that is not a string';
  for (const [key, entryType] of [
    ['auths', 'object'],
    ['credHelpers', 'string'],
  ] as const) {
    const map = parsed[key];
    if (map === undefined) continue;
    if (!isObject(map)) return `has ${name(key)} that is not an object`;
    const node = tree?.children?.find((p) => p.children?.[0]?.value === key)?.children?.[1];
    const [twice] = duplicateKeys(node);
    if (twice !== undefined) return `names ${name(twice)} more than once in ${name(key)}`;
    for (const [k, v] of Object.entries(map)) {
      if (entryType === 'object' ? !isObject(v) : typeof v !== 'string')
        return `has ${name(key)} entry ${name(k)} that is not ${entryType === 'object' ? 'an object' : 'a string'}`;
    }
  }
  return parsed as DockerConfig;
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

export interface UpdateOptions extends Partial<LockOptions> {
  /** For tests of a crash or a foreign write: runs once the new text is in its temp file, before the rename. */
  beforeRename?: (temp: string) => Promise<void>;
}

/**
 * Applies `change` to the config as it is now, under the lock, and writes the result by editing the
 * file's text. `change` must be pure: when another program (the docker CLI takes no lock) writes the file
 * between our read and our rename, our write is abandoned and `change` applied again to the new content.
 * Writes nothing when the result equals the file; returns the result.
 */
export async function updateConfig(
  dir: string,
  change: (c: DockerConfig) => DockerConfig,
  opts: UpdateOptions = {},
): Promise<DockerConfig> {
  let result: DockerConfig = {};
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await withConfigLock(
    dir,
    () =>
      rewrite(
        dir,
        (now) => {
          result = change(now.config);
          return result === now.config ? undefined : editJson(now.text, result);
        },
        opts,
      ),
    opts,
  );
  return result;
}

/**
 * Removes the temp files of our writes that were interrupted (their process is gone, or they are older
 * than the stale age): they may hold a credential. Post calls this; every update does it too.
 */
export async function removeStrayTemps(dir: string, opts: Partial<LockOptions> = {}): Promise<string[]> {
  if ((await stat(dir).catch(() => undefined)) === undefined) return [];
  const staleMs = opts.staleMs ?? lockOptions().staleMs;
  return withConfigLock(dir, async () => sweepTemps(await linkTarget(configFile(dir)), staleMs), opts);
}

const ATTEMPTS = 3;

/**
 * Under the lock: computes the new text from the file as it is now (undefined or the same text: nothing to
 * write) and puts it in place atomically.
 */
async function rewrite(
  dir: string,
  compute: (now: Loaded) => string | undefined,
  opts: UpdateOptions,
): Promise<void> {
  const file = configFile(dir);
  const target = await linkTarget(file);
  await sweepTemps(target, opts.staleMs ?? lockOptions().staleMs);
  for (let attempt = 1; ; attempt++) {
    const now = await loadConfig(dir);
    const text = compute(now);
    if (text === undefined || text === now.text) return;
    const unchanged = async (temp: string) => {
      await opts.beforeRename?.(temp);
      return (await readText(target)) === now.text;
    };
    if (await replaceFile(target, text, unchanged)) return;
    if (attempt === ATTEMPTS) {
      throw new Error(
        `${file} was changed by another program each time we were about to write it (${ATTEMPTS} times); ` +
          'it was left as that program wrote it',
      );
    }
  }
}

/** A copy of `config` without our hosts' `auths` entries; every other key is kept as it was. */
export function withoutHosts(config: DockerConfig, hosts: readonly string[]): DockerConfig {
  const drop = new Set(authKeysFor(config, hosts));
  if (drop.size === 0) return config;
  const auths = Object.fromEntries(Object.entries(config.auths ?? {}).filter(([k]) => !drop.has(k)));
  return { ...config, auths };
}
