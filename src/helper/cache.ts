// The credential helper's cache: one file per host in a job-private directory (0700, files 0600) under
// RUNNER_TEMP. A file holds the host's current token and the token request a refresh repeats. It is read
// on every client call, so this module loads nothing beyond node:fs (not even node:crypto, which costs
// a start-up measurably) and never the AWS SDK.
import { readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DockerCredential } from '../action/types.js';
import { ECR, ECR_PUBLIC, GLOBAL_ENDPOINT_VARIABLE, STS } from '../ecr/aws-env.js';

/** A cached token this close to expiry is refreshed before it is handed out (the README states it). */
export const REFRESH_MARGIN_SECONDS = 30 * 60;

/** The variable the launcher sets to the cache directory. */
export const CACHE_DIR_VARIABLE = 'ECR_LOGIN_HELPER_CACHE';

/**
 * Endpoint, FIPS/dual-stack and proxy settings of the environment main ran in: a refresh goes where
 * main's call went. Credentials are never among them: a refresh signs with the asking client's. The proxy
 * names are proxy.ts's PROXY_VARIABLES, spelled out: importing proxy.ts would load the proxy agents on
 * every answer from the cache.
 */
export const RECORDED_VARIABLES: readonly string[] = [
  GLOBAL_ENDPOINT_VARIABLE,
  ...[ECR, ECR_PUBLIC, STS].map((s) => s.endpointVariable),
  'AWS_USE_FIPS_ENDPOINT',
  'AWS_USE_DUALSTACK_ENDPOINT',
  'HTTPS_PROXY',
  'https_proxy',
  'HTTP_PROXY',
  'http_proxy',
  'NO_PROXY',
  'no_proxy',
];

/** The host's token request: what GetAuthorizationToken is called with to renew this host's token. */
export type HostRequest =
  | ({ kind: 'private'; partition: string; region: string; fips: boolean; account?: string } & Signer)
  | ({ kind: 'public'; region: 'us-east-1' } & Signer);

/** registry-roles and registry-profiles: the role assumed and the profile that signs (each optional). */
interface Signer {
  role?: string;
  profile?: string;
}

export interface CacheEntry {
  version: 1;
  /** Lower-case host[:port], as docker config keys name it. */
  host: string;
  username: string;
  password: string;
  /** ISO 8601. */
  expiresAt: string;
  request: HostRequest;
  settings: {
    maxAttempts: number;
    timeoutSeconds: number;
    /** How close to expiry a token is renewed: REFRESH_MARGIN_SECONDS (tests use seconds). */
    refreshMarginSeconds: number;
    httpProxy?: string;
    /** Main's AWS_PROFILE: used by a refresh only when the client sets neither a profile nor keys. */
    profile?: string;
    /** Main's values of RECORDED_VARIABLES (only those that were set). */
    env: Record<string, string>;
  };
}

/** A docker config host (host, host:port, [v6]:port), so a file name built from it stays in the directory. */
const HOST = /^([a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*|\[[0-9a-f:.]+\])(:\d{1,5})?$/;

export function isHost(value: string): boolean {
  return HOST.test(value);
}

/** The host's file: the host with `:`, `[` and `]` spelled out, so the name is valid on Windows too. */
export function entryFile(dir: string, host: string): string {
  if (!isHost(host)) throw new Error(`not a registry host: ${JSON.stringify(host)}`);
  return join(dir, `${host.replace(/[:[\]]/g, (c) => `_${c.charCodeAt(0).toString(16)}`)}.json`);
}

/** What main knows of a credential it fetched: the host's entry, ready for writeEntry. */
export function newEntry(
  credential: DockerCredential,
  request: HostRequest,
  settings: { maxAttempts: number; timeoutSeconds: number; httpProxy?: string; env: NodeJS.ProcessEnv },
  refreshMarginSeconds = REFRESH_MARGIN_SECONDS,
): CacheEntry {
  const env = Object.fromEntries(
    RECORDED_VARIABLES.flatMap((n) => (settings.env[n] ? [[n, settings.env[n] as string]] : [])),
  );
  const profile = settings.env.AWS_PROFILE?.trim();
  return {
    version: 1,
    host: credential.host,
    username: credential.username,
    password: credential.password,
    expiresAt: credential.expiresAt.toISOString(),
    request,
    settings: {
      maxAttempts: settings.maxAttempts,
      timeoutSeconds: settings.timeoutSeconds,
      refreshMarginSeconds,
      ...(settings.httpProxy ? { httpProxy: settings.httpProxy } : {}),
      ...(profile ? { profile } : {}),
      env,
    },
  };
}

/** Whether the entry must be renewed before it is handed out at `now`. */
export function needsRefresh(entry: CacheEntry, now: number): boolean {
  return Date.parse(entry.expiresAt) - now <= entry.settings.refreshMarginSeconds * 1000;
}

/** The entry in `text`, checked field by field; the error names `file` and the bad field, never a value. */
export function parseEntry(text: string, file: string): CacheEntry {
  const bad = (what: string) => new Error(`the credential helper cache ${file} is invalid: ${what}`);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw bad('not JSON');
  }
  const e = raw as Partial<CacheEntry> | null;
  if (typeof e !== 'object' || e === null || Array.isArray(e)) throw bad('not an object');
  if (e.version !== 1) throw bad('unknown version');
  if (typeof e.host !== 'string' || !isHost(e.host)) throw bad('host');
  if (typeof e.username !== 'string' || e.username === '') throw bad('username');
  if (typeof e.password !== 'string' || e.password === '') throw bad('password');
  if (typeof e.expiresAt !== 'string' || Number.isNaN(Date.parse(e.expiresAt))) throw bad('expiresAt');
  const r = e.request as Partial<HostRequest & { partition: unknown; fips: unknown; account: unknown }>;
  const optionalString = (v: unknown) => v === undefined || (typeof v === 'string' && v !== '');
  if (
    typeof r !== 'object' ||
    r === null ||
    typeof r.region !== 'string' ||
    !optionalString(r.role) ||
    !optionalString(r.profile)
  )
    throw bad('request');
  if (r.kind === 'public') {
    if (r.region !== 'us-east-1') throw bad('request.region');
  } else if (r.kind === 'private') {
    if (typeof r.partition !== 'string' || typeof r.fips !== 'boolean') throw bad('request');
    if (r.account !== undefined && !/^\d{12}$/.test(String(r.account))) throw bad('request.account');
  } else throw bad('request.kind');
  const s = e.settings as Partial<CacheEntry['settings']> | undefined;
  if (typeof s !== 'object' || s === null) throw bad('settings');
  if (!Number.isInteger(s.maxAttempts) || (s.maxAttempts ?? 0) < 1) throw bad('settings.maxAttempts');
  if (typeof s.timeoutSeconds !== 'number' || !(s.timeoutSeconds > 0)) throw bad('settings.timeoutSeconds');
  if (typeof s.refreshMarginSeconds !== 'number' || !(s.refreshMarginSeconds >= 0))
    throw bad('settings.refreshMarginSeconds');
  if (!optionalString(s.httpProxy) || !optionalString(s.profile)) throw bad('settings');
  const env = s.env as Record<string, unknown> | undefined;
  if (typeof env !== 'object' || env === null) throw bad('settings.env');
  for (const [name, value] of Object.entries(env)) {
    if (!RECORDED_VARIABLES.includes(name) || typeof value !== 'string') throw bad(`settings.env.${name}`);
  }
  return e as CacheEntry;
}

/** The host's entry, or undefined when the host has none (a host this job does not serve). */
export async function readEntry(dir: string, host: string): Promise<CacheEntry | undefined> {
  const file = entryFile(dir, host);
  const entry = await readEntryFile(file);
  if (entry && entry.host !== host) throw new Error(`the credential helper cache ${file} is invalid: host`);
  return entry;
}

/** Every entry in the cache (an entry must sit in its host's file). */
export async function listEntries(dir: string): Promise<CacheEntry[]> {
  const names = (await readdir(dir)).filter((n) => n.endsWith('.json')).sort();
  const entries = await Promise.all(names.map((n) => readEntryFile(join(dir, n))));
  return entries.filter(
    (e, i): e is CacheEntry => e !== undefined && entryFile(dir, e.host) === join(dir, names[i] ?? ''),
  );
}

async function readEntryFile(file: string): Promise<CacheEntry | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`cannot read the credential helper cache ${file}: ${(e as NodeJS.ErrnoException).code}`);
  }
  return parseEntry(text, file);
}

let writes = 0;

/**
 * Replaces the host's entry atomically (a reader sees the old or the new file, never a half), mode 0600.
 * The temporary name is unique per process and write; created exclusively, a clash fails, never clobbers.
 */
export async function writeEntry(dir: string, entry: CacheEntry): Promise<void> {
  const file = entryFile(dir, entry.host);
  const fresh = `${file}.${process.pid}.${++writes}.tmp`;
  try {
    await writeFile(fresh, `${JSON.stringify(entry)}\n`, { mode: 0o600, flag: 'wx' });
    await rename(fresh, file);
  } catch (e) {
    await rm(fresh, { force: true });
    throw e;
  }
}
