// What main hands to post through the runner's state file. Shared by both bundles so the two sides
// cannot drift; it holds hosts, store names and paths only, never a credential. Post acts on it (removes
// entries, deletes a directory), so every field is checked before use: the state file is not ours alone.
import { isAbsolute } from 'node:path';
import { isHelperName } from '../helper/launcher.js';
import { isStoreName, STORES } from '../stores/index.js';
import type { DockerCredential, HelperRecord, Login, Settings, StoreName } from './types.js';

interface StoredLogin {
  host: string;
  store: StoreName;
}

export interface PostState {
  logins: StoredLogin[];
  configDir: string;
  /** A job-private config directory main created (isolate-config): post deletes it whole. */
  isolatedDir?: string;
  /** The random id main wrote into isolatedDir's owner marker: post deletes only a directory holding it. */
  isolatedId?: string;
  /** The credential helper main installed (login-method: helper): post removes its entries and its home. */
  helper?: HelperRecord;
  expiresAt?: string;
  /** skip-logout: true — post leaves every credential in place (official semantics). */
  skipLogout?: boolean;
}

export const STATE_KEY = 'ecr-login';

export function encodeState(state: PostState): string {
  return JSON.stringify(state);
}

/** A docker config key we log in to: a plain host[:port] (ECR, ECR Public, an alias or a loopback stand-in). */
const PLAIN_HOST =
  /^([a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*|\[[0-9a-f:.]+\])(:\d{1,5})?$/i;
const ID = /^[0-9a-f]{32}$/;

const isString = (v: unknown): v is string => typeof v === 'string';

/** The first field of `s` that post cannot act on safely, or undefined when every field is sound. */
function badField(s: Record<string, unknown>): string | undefined {
  const logins = s.logins;
  if (
    !Array.isArray(logins) ||
    !logins.every(
      (l: Partial<StoredLogin> | null) =>
        isString(l?.host) && PLAIN_HOST.test(l.host) && isStoreName(l.store),
    )
  ) {
    return '"logins" (each a plain host[:port] and a known store)';
  }
  if (!isString(s.configDir) || !isAbsolute(s.configDir)) return '"configDir" (an absolute path)';
  if (s.isolatedDir !== undefined && !(isString(s.isolatedDir) && isAbsolute(s.isolatedDir)))
    return '"isolatedDir" (an absolute path)';
  if (s.isolatedDir !== undefined && !(isString(s.isolatedId) && ID.test(s.isolatedId)))
    return '"isolatedId" (32 hex digits)';
  if (s.expiresAt !== undefined && !(isString(s.expiresAt) && !Number.isNaN(Date.parse(s.expiresAt))))
    return '"expiresAt" (a date)';
  if (s.skipLogout !== undefined && typeof s.skipLogout !== 'boolean') return '"skipLogout" (true or false)';
  const helper = s.helper as Partial<HelperRecord> | undefined;
  const helperOk =
    isString(helper?.dir) &&
    isAbsolute(helper.dir) &&
    isHelperName(helper.name) &&
    isString(helper.id) &&
    ID.test(helper.id);
  if (helper !== undefined && !helperOk)
    return '"helper" (an absolute directory, our helper name and a 32-hex id)';
  return undefined;
}

export type Decoded = { state: PostState } | { problem: string } | undefined;

/** The state main saved; undefined when there is none; a problem naming the first bad field. */
export function decodeState(text: string): Decoded {
  if (!text) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { problem: 'the saved state is not JSON' };
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
    return { problem: 'the saved state is not a JSON object' };
  const bad = badField(parsed as Record<string, unknown>);
  return bad ? { problem: `the saved state's ${bad} is not valid` } : { state: parsed as PostState };
}

/** What login tells the record: hosts before a store writes them, and the outcome after. */
export interface LoginLog {
  /** Called before `store` writes any of `credentials`: the state names them first. */
  intend(credentials: readonly DockerCredential[], store: StoreName): void;
  /** Called once `store` is done: `refused` leave the state, the rest are logins. */
  settle(
    credentials: readonly DockerCredential[],
    store: StoreName,
    refused: readonly DockerCredential[],
  ): void;
}

/**
 * main's record of its logins. The state names a host before its credential is written (a job killed right
 * after the write still gets it cleaned up) and drops the hosts a store refused. Keeps the credentials in
 * memory for the report; the saved state holds only hosts and store names.
 */
export class LoginRecord implements LoginLog {
  readonly logins: Login[] = [];
  private readonly state: PostState;
  private readonly expiries = new Map<string, number>();

  constructor(
    settings: Pick<Settings, 'skipLogout'>,
    dir: { dir: string; isolatedId?: string },
    private readonly save: (text: string) => void,
  ) {
    this.state = {
      logins: [],
      configDir: dir.dir,
      ...(dir.isolatedId ? { isolatedDir: dir.dir, isolatedId: dir.isolatedId } : {}),
      ...(settings.skipLogout ? { skipLogout: true } : {}),
    };
    // Saved before any login: post must find and delete a job-private directory even if main dies next.
    if (dir.isolatedId) this.write();
  }

  /** Saved before the config names the helper: a main that dies right after still gets it removed. */
  readonly installed = (helper: HelperRecord): void => {
    this.state.helper = helper;
    this.write();
  };

  intend(credentials: readonly DockerCredential[], store: StoreName): void {
    // A host served by a helper that fetches its own tokens holds nothing of ours: post leaves it alone,
    // and our token's expiry does not limit it.
    if (!STORES[store].holdsCredentials) return;
    for (const c of credentials) {
      this.state.logins.push({ host: c.host, store });
      // A store that renews its tokens (the job's credential helper) never lets them expire on the job.
      if (!STORES[store].renewsTokens) this.expiries.set(c.host, c.expiresAt.getTime());
    }
    this.write();
  }

  settle(
    credentials: readonly DockerCredential[],
    store: StoreName,
    refused: readonly DockerCredential[],
  ): void {
    for (const credential of credentials) {
      if (!refused.includes(credential)) this.logins.push({ credential, store });
    }
    if (refused.length === 0 || !STORES[store].holdsCredentials) return;
    const gone = new Set(refused.map((c) => c.host));
    this.state.logins = this.state.logins.filter((l) => !(l.store === store && gone.has(l.host)));
    for (const host of gone) this.expiries.delete(host);
    this.write();
  }

  private write(): void {
    const times = [...this.expiries.values()].filter(Number.isFinite);
    const earliest = times.length > 0 ? new Date(Math.min(...times)) : undefined;
    // An unrepresentable time (token-answer.ts refuses those first) is left out rather than thrown here.
    if (earliest && !Number.isNaN(earliest.getTime())) this.state.expiresAt = earliest.toISOString();
    else delete this.state.expiresAt;
    this.save(encodeState(this.state));
  }
}
