// Turns GetAuthorizationToken answers into one docker credential per login host. Pure: the only effect
// is the injected `mask`, which is called on every secret form before anything else reads the token.

import type { DockerCredential } from '../action/types.js';
import type { Registry } from './registry.js';
import type { TokenRequest } from './token-plan.js';

export interface AuthorizationData {
  authorizationToken?: string;
  expiresAt?: Date;
  proxyEndpoint?: string;
}

interface Secrets {
  password: string;
  /** base64("user:password"): the API's token, and exactly what docker stores as `auth`. */
  token: string;
}

type Mask = (secret: string) => void;

/**
 * Masks and decodes a token. The raw token is masked first, then the password; the password only when
 * `maskPassword` (mask-password: false lets the output cross jobs, as in the official action).
 */
export function decodeToken(
  token: string,
  maskPassword: boolean,
  mask: Mask,
): Secrets & { username: string } {
  mask(token);
  const decoded = Buffer.from(token, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0 || colon === decoded.length - 1) {
    throw new Error('the authorization token is not base64("user:password")');
  }
  const password = decoded.slice(colon + 1);
  if (maskPassword) mask(password);
  return { username: decoded.slice(0, colon), password, token };
}

/** Loopback host[:port]: the only hosts plain http is honoured for (local stand-ins). */
export const LOOPBACK = /^(127(\.\d{1,3}){3}|localhost|\[::1\])(:\d+)?$/;

/** Host and scheme of a proxyEndpoint; plain http is honoured only for loopback stand-ins. */
export function endpointHost(proxyEndpoint: string): { host: string; scheme: 'https' | 'http' } {
  const match = /^(https?):\/\/([^/]+)\/?$/i.exec(proxyEndpoint.trim());
  if (!match?.[1] || !match[2]) throw new Error(`unexpected proxyEndpoint ${JSON.stringify(proxyEndpoint)}`);
  const host = match[2].toLowerCase();
  const scheme = match[1].toLowerCase() === 'http' && LOOPBACK.test(host) ? 'http' : 'https';
  return { host, scheme };
}

/**
 * Matches each answer to the registries it serves. Entries are matched to registryIds by the account
 * in their proxyEndpoint host, else by position (the API answers in request order).
 */
export function credentialsFor(
  request: TokenRequest,
  data: readonly AuthorizationData[],
  order: (r: Registry) => number,
  maskPassword: boolean,
  mask: Mask,
): DockerCredential[] {
  const decoded = data.map((d) => {
    if (!d.authorizationToken) throw new Error('the answer has no authorizationToken');
    return { ...d, ...decodeToken(d.authorizationToken, maskPassword, mask) };
  });
  const expiry = (d: AuthorizationData) => d.expiresAt ?? new Date(Date.now() + 12 * 3600_000);
  const base = (d: (typeof decoded)[number]) => ({
    username: d.username,
    password: d.password,
    auth: d.token,
    expiresAt: expiry(d),
    region: request.region,
    ...(request.role ? { role: request.role } : {}),
    ...(request.profile ? { profile: request.profile } : {}),
  });

  if (request.kind === 'public') {
    const d = decoded[0];
    if (!d) throw new Error('ECR Public returned no authorization data');
    return request.registries.map((r) => ({
      ...base(d),
      host: r.host,
      scheme: 'https' as const,
      kind: 'public' as const,
      order: order(r),
    }));
  }

  if (request.registryIds.length === 0) {
    // The caller's own registry: whatever the API answered.
    return decoded.map((d, i) => {
      const { host, scheme } = endpointHost(d.proxyEndpoint ?? '');
      const account = /^(\d{12})\./.exec(host)?.[1];
      return {
        ...base(d),
        host,
        scheme,
        kind: 'private' as const,
        ...(account ? { account } : {}),
        order: i,
      };
    });
  }

  return request.registryIds.flatMap((account, i) => {
    const d =
      decoded.find((e) => (e.proxyEndpoint ?? '').replace(/^https?:\/\//i, '').startsWith(`${account}.`)) ??
      (decoded.length === request.registryIds.length ? decoded[i] : undefined);
    if (!d) throw new Error(`no authorization data was returned for account ${account}`);
    const proxy = endpointHost(d.proxyEndpoint ?? '');
    return request.registries
      .filter((r) => r.account === account)
      .map((r) => {
        // docker matches credentials by exact host: a FIPS or dual-stack host the user named is used as-is.
        const named = r.namedHost && (r.fips || r.dualStack);
        return {
          ...base(d),
          host: named ? r.host : proxy.host,
          scheme: named ? ('https' as const) : proxy.scheme,
          kind: 'private' as const,
          account,
          registry: r.host,
          order: order(r),
        };
      });
  });
}

/** All credentials in input order, one per host (the first wins when two items resolve to one host). */
export function orderCredentials(all: readonly DockerCredential[]): DockerCredential[] {
  const seen = new Set<string>();
  return [...all]
    .sort((a, b) => a.order - b.order)
    .filter((c) => {
      if (seen.has(c.host)) return false;
      seen.add(c.host);
      return true;
    });
}
