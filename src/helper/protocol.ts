// The docker-credential-helpers protocol, as pure functions: the action from argv, the host from what the
// client wrote on stdin, and the answers. Errors go to stdout: docker and containers/image quote a helper's
// stdout in their own error, which is how the user sees it.
import { isHost } from './cache.js';

export type Action = 'get' | 'store' | 'erase' | 'list';

const ACTIONS: readonly string[] = ['get', 'store', 'erase', 'list'];

/** The protocol's own words for "no credential for this server": clients treat it as "anonymous". */
export const NOT_FOUND = 'credentials not found in native keychain';

export function parseAction(arg: string | undefined): Action | undefined {
  return arg !== undefined && ACTIONS.includes(arg) ? (arg as Action) : undefined;
}

/**
 * The registry host a server URL names (docker passes a host or a URL, containers/image a host), lower
 * case, or undefined when it is not one.
 */
export function hostOf(serverUrl: string): string | undefined {
  const host = serverUrl
    .trim()
    .replace(/^[a-z][a-z0-9+.-]*:\/\//i, '')
    .replace(/\/.*$/s, '')
    .toLowerCase();
  return isHost(host) ? host : undefined;
}

/** `store` gets {ServerURL, Username, Secret}: only the server matters to us, the secret is never kept. */
export function storedHost(input: string): string | undefined {
  try {
    const url = (JSON.parse(input) as { ServerURL?: unknown } | null)?.ServerURL;
    return typeof url === 'string' ? hostOf(url) : undefined;
  } catch {
    return undefined;
  }
}

export function getAnswer(serverUrl: string, username: string, secret: string): string {
  return JSON.stringify({ ServerURL: serverUrl, Username: username, Secret: secret });
}

/** `list`: every host we serve, with its user name. */
export function listAnswer(hosts: ReadonlyArray<{ host: string; username: string }>): string {
  return JSON.stringify(Object.fromEntries(hosts.map((h) => [h.host, h.username])));
}
