// What main hands to post through the runner's state file. Shared by both bundles so the two sides
// cannot drift; it holds hosts, store names and paths only, never a credential.
import { isStoreName, STORES } from './stores/index.js';
import type { HelperRecord, Login, Settings, StoreName } from './types.js';

interface StoredLogin {
  host: string;
  store: StoreName;
}

export interface PostState {
  logins: StoredLogin[];
  configDir: string;
  /** A job-private config directory main created (isolate-config): post deletes it whole. */
  isolatedDir?: string;
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

export function decodeState(text: string): PostState | undefined {
  if (!text) return undefined;
  try {
    const s = JSON.parse(text) as Partial<PostState>;
    if (!Array.isArray(s.logins) || typeof s.configDir !== 'string') return undefined;
    const logins = s.logins.filter(
      (l): l is StoredLogin => typeof l?.host === 'string' && isStoreName(l.store),
    );
    const { helper, ...rest } = s;
    const validHelper = typeof helper?.dir === 'string' && typeof helper.name === 'string';
    return { ...rest, logins, configDir: s.configDir, ...(validHelper ? { helper } : {}) };
  } catch {
    return undefined;
  }
}

/**
 * main's record of its logins: saved after every one, so a failure at registry 4 still gets 1–3 cleaned
 * up. Keeps the credentials in memory for the report; the saved state holds only hosts and store names.
 */
export class LoginRecord {
  readonly logins: Login[] = [];
  private readonly state: PostState;

  constructor(
    settings: Pick<Settings, 'isolateConfig' | 'skipLogout'>,
    configDir: string,
    private readonly save: (text: string) => void,
  ) {
    this.state = {
      logins: [],
      configDir,
      ...(settings.isolateConfig ? { isolatedDir: configDir } : {}),
      ...(settings.skipLogout ? { skipLogout: true } : {}),
    };
    // Saved before any login: post must find and delete a job-private directory even if main dies next.
    if (settings.isolateConfig) save(encodeState(this.state));
  }

  /** Saved before the config names the helper: a crash right after still gets it removed. */
  readonly installed = (helper: HelperRecord): void => {
    this.state.helper = helper;
    this.save(encodeState(this.state));
  };

  readonly add = (login: Login): void => {
    this.logins.push(login);
    // A host served by a helper that fetches its own tokens holds nothing of ours: post leaves it alone,
    // and our token's expiry does not limit it.
    if (!STORES[login.store].holdsCredentials) return;
    this.state.logins.push({ host: login.credential.host, store: login.store });
    // A store that renews its tokens (the job's credential helper) never lets them expire on the job.
    const expiring = this.logins.filter(
      (l) => STORES[l.store].holdsCredentials && !STORES[l.store].renewsTokens,
    );
    if (expiring.length > 0) {
      const earliest = Math.min(...expiring.map((l) => l.credential.expiresAt.getTime()));
      this.state.expiresAt = new Date(earliest).toISOString();
    }
    this.save(encodeState(this.state));
  };
}
