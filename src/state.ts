// What main hands to post through the runner's state file. Shared by both bundles so the two sides
// cannot drift; it holds hosts and paths only, never a credential.
export type Via = 'docker' | 'file';

export interface Login {
  host: string;
  via: Via;
}

export interface PostState {
  logins: Login[];
  configDir: string;
  /** A job-private config directory main created (isolate-config): post deletes it whole. */
  isolatedDir?: string;
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
      (l): l is Login => typeof l?.host === 'string' && (l.via === 'docker' || l.via === 'file'),
    );
    return { ...s, logins, configDir: s.configDir };
  } catch {
    return undefined;
  }
}
