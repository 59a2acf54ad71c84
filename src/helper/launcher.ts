// Installs the credential helper for one job: a job-private directory under RUNNER_TEMP holding the
// launcher `docker-credential-<name>` (bin/, which later steps get on PATH) and the cache (cache/). The
// launcher runs the helper bundle with the node binary that ran the action and bakes in the cache path;
// it holds paths only, never a credential.
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { HelperRecord } from '../action/types.js';
import { checkOwned, markOwned, OWNER_MARKER } from '../docker/owned-dir.js';
import { CACHE_DIR_VARIABLE } from './cache.js';

const LAUNCHER_PREFIX = 'docker-credential-';
const HOME_PREFIX = 'ecr-login-helper-';
const NAME = /^ecr-login-job-[0-9a-f]{8}$/;

export interface HelperHome {
  /** The job-private directory: remove it whole to uninstall. */
  dir: string;
  /** Goes on PATH (GITHUB_PATH) for later steps. */
  binDir: string;
  cacheDir: string;
  /** The credHelpers value: clients run `docker-credential-<name>`. */
  name: string;
  /** The random id in the home's owner marker. */
  id: string;
  launcher: string;
}

export interface LauncherTarget {
  node: string;
  bundle: string;
  cacheDir: string;
}

const shQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** The launcher's file name and text for a platform. */
export function launcherScript(
  name: string,
  target: LauncherTarget,
  platform: NodeJS.Platform,
): { file: string; text: string } {
  if (platform === 'win32') {
    // cmd expands % and cannot escape a quote inside a quoted argument: such paths are refused.
    for (const p of Object.values(target)) {
      if (/["%\r\n]/.test(p))
        throw new Error(`cannot write a .cmd launcher for the path ${JSON.stringify(p)}`);
    }
    return {
      file: `${LAUNCHER_PREFIX}${name}.cmd`,
      text: `@echo off\r\nsetlocal\r\nset "${CACHE_DIR_VARIABLE}=${target.cacheDir}"\r\n"${target.node}" "${target.bundle}" %*\r\n`,
    };
  }
  return {
    file: `${LAUNCHER_PREFIX}${name}`,
    text: `#!/bin/sh\n${CACHE_DIR_VARIABLE}=${shQuote(target.cacheDir)} exec ${shQuote(target.node)} ${shQuote(target.bundle)} "$@"\n`,
  };
}

/**
 * Creates the job's helper home under `runnerTemp` (0700, so only the job's user reads the cache) with
 * an empty cache and the launcher. The name is unique per install, so two jobs sharing a HOME never
 * run each other's helper.
 */
export async function installHelper(
  runnerTemp: string,
  bundle: string,
  node = process.execPath,
  platform = process.platform,
): Promise<HelperHome> {
  const dir = await mkdtemp(join(runnerTemp, HOME_PREFIX));
  try {
    const binDir = join(dir, 'bin');
    const cacheDir = join(dir, 'cache');
    await mkdir(binDir, { mode: 0o700 });
    await mkdir(cacheDir, { mode: 0o700 });
    const name = `ecr-login-job-${randomBytes(4).toString('hex')}`;
    const id = await markOwned(dir);
    const { file, text } = launcherScript(name, { node, bundle, cacheDir }, platform);
    const launcher = join(binDir, file);
    await writeFile(launcher, text, { mode: 0o700, flag: 'wx' });
    await chmod(launcher, 0o700);
    return { dir, binDir, cacheDir, name, id, launcher };
  } catch (e) {
    await rm(dir, { recursive: true, force: true });
    throw e;
  }
}

/** Whether `name` is a credHelpers value installHelper gives (so post removes only entries it made). */
export function isHelperName(name: unknown): name is string {
  return typeof name === 'string' && NAME.test(name);
}

/**
 * Removes the launcher and the cache. The record comes from saved state, so it is checked first: the
 * directory must be an install's home right inside RUNNER_TEMP (after resolving links) holding the owner
 * marker with the record's id (as post checks an isolated config), or nothing is deleted and the error
 * names the bad item.
 */
export async function removeHelper(helper: HelperRecord, runnerTemp: string): Promise<void> {
  const bad = (what: string) => new Error(`the saved state names ${what}; nothing was deleted`);
  if (!isHelperName(helper.name)) throw bad(`an unexpected credential helper ${JSON.stringify(helper.name)}`);
  const owned = await checkOwned(helper.dir, helper.id, runnerTemp);
  if ('gone' in owned) return;
  if ('problem' in owned && owned.problem === 'unmarked')
    throw bad(
      `the credential helper directory ${JSON.stringify(helper.dir)}, which lacks the ${OWNER_MARKER} main wrote`,
    );
  // A helper home is always a direct child of RUNNER_TEMP with our prefix, never deeper.
  if (
    'problem' in owned ||
    dirname(owned.real) !== owned.temp ||
    !basename(owned.real).startsWith(HOME_PREFIX)
  )
    throw bad(
      `the credential helper directory ${JSON.stringify(helper.dir)}, which is not ours in RUNNER_TEMP`,
    );
  const { real } = owned;
  await rm(real, { recursive: true, force: true });
}

/** The credHelpers entries the store adds (and removes) for the hosts it serves. */
export function credHelperEntries(hosts: readonly string[], name: string): Record<string, string> {
  return Object.fromEntries(hosts.map((h) => [h, name]));
}
