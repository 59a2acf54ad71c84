// Plans the GetAuthorizationToken calls: registries grouped per call, or the caller's default registry. Pure.

import type { Settings } from '../action/types.js';
import { tokenRegistries } from './aliases.js';
import {
  type Partition,
  type PrivateRegistry,
  type PublicRegistry,
  partitionOfRegion,
  type Registry,
} from './registry.js';

/** The API's limit on `registryIds` per call. */
export const MAX_REGISTRY_IDS = 10;

export interface PrivateTokenRequest {
  kind: 'private';
  partition: Partition;
  region: string;
  fips: boolean;
  role?: string;
  /** `registry-profiles`: the named profile whose credentials sign the call (and assume `role`). */
  profile?: string;
  registryIds: string[];
  registries: PrivateRegistry[];
}

interface PublicTokenRequest {
  kind: 'public';
  region: 'us-east-1';
  role?: string;
  profile?: string;
  registries: PublicRegistry[];
}

export type TokenRequest = PrivateTokenRequest | PublicTokenRequest;

/**
 * The token requests for these settings, each registry with its role and profile, an alias's registry
 * included; with no registry at all, one request for the caller's own default registry in the region (a
 * private request with no registries).
 */
export function planTokens(settings: Settings): TokenRequest[] {
  const { roles, profiles, region } = settings;
  const registries = tokenRegistries(settings.registries, settings.aliases);
  if (registries.length === 0 && region) {
    const partition = partitionOfRegion(region);
    return [{ kind: 'private', partition, region, fips: false, registryIds: [], registries: [] }];
  }
  return planTokenRequests(
    registries,
    (r) => roles.get(r.host),
    (r) => profiles.get(r.host),
  );
}

/** How a message names the credentials that sign a request (or fetched a credential): profile, role. */
export function signedWith(x: { role?: string; profile?: string }): string {
  return [x.profile && `profile ${x.profile}`, x.role && `role ${x.role}`].filter(Boolean).join(', ');
}

/**
 * One private request per (credentials, partition, region, fips), the credentials being the profile
 * and role, split into chunks of at most MAX_REGISTRY_IDS accounts; one public request per credentials
 * (ECR Public's token covers every public host). Dual-stack is not in the key: one token serves both
 * hosts of a region. Requests come in first-seen order. An empty role or profile counts as none.
 */
export function planTokenRequests(
  registries: readonly Registry[],
  roleOf?: (r: Registry) => string | undefined,
  profileOf?: (r: Registry) => string | undefined,
): TokenRequest[] {
  const requests = new Map<string, TokenRequest>();
  for (const r of registries) {
    const role = roleOf?.(r) || undefined;
    const profile = profileOf?.(r) || undefined;
    const signer = { ...(role === undefined ? {} : { role }), ...(profile === undefined ? {} : { profile }) };
    if (r.kind === 'public') {
      const key = JSON.stringify(['public', role, profile]);
      const request = requests.get(key) ?? {
        kind: 'public',
        region: 'us-east-1',
        ...signer,
        registries: [],
      };
      if (request.kind === 'public') request.registries.push(r);
      requests.set(key, request);
    } else {
      const key = JSON.stringify([r.partition, r.region, r.fips, role, profile]);
      const request = requests.get(key) ?? {
        kind: 'private',
        partition: r.partition,
        region: r.region,
        fips: r.fips,
        ...signer,
        registryIds: [],
        registries: [],
      };
      if (request.kind === 'private') {
        if (!request.registryIds.includes(r.account)) request.registryIds.push(r.account);
        request.registries.push(r);
      }
      requests.set(key, request);
    }
  }
  return [...requests.values()].flatMap((request): TokenRequest[] =>
    request.kind === 'private' ? split(request) : [request],
  );
}

/** Consecutive chunks of MAX_REGISTRY_IDS accounts, each with the registries of its accounts. */
function split(request: PrivateTokenRequest): PrivateTokenRequest[] {
  if (request.registryIds.length <= MAX_REGISTRY_IDS) return [request];
  const chunks: PrivateTokenRequest[] = [];
  for (let i = 0; i < request.registryIds.length; i += MAX_REGISTRY_IDS) {
    const ids = request.registryIds.slice(i, i + MAX_REGISTRY_IDS);
    chunks.push({
      ...request,
      registryIds: ids,
      registries: request.registries.filter((r) => ids.includes(r.account)),
    });
  }
  return chunks;
}
