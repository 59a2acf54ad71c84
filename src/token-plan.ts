// Groups parsed registries into GetAuthorizationToken calls. Pure.
import type { Partition, PrivateRegistry, PublicRegistry, Registry } from './registry.js';

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

export interface PublicTokenRequest {
  kind: 'public';
  region: 'us-east-1';
  role?: string;
  profile?: string;
  registries: PublicRegistry[];
}

export type TokenRequest = PrivateTokenRequest | PublicTokenRequest;

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
