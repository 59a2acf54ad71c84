// Grammar of the `registries` input: account IDs, ECR registry hosts and pasted image URIs.
// Pure: no I/O, no env reads. Host forms and partitions are described in docs/ecr-hosts.md.

import { display, redactUserinfo } from '../diagnose/display.js';

/** The AWS partitions, the one list every partition rule here (and the role-ARN check) is built from. */
export const PARTITIONS = [
  'aws',
  'aws-cn',
  'aws-us-gov',
  'aws-iso',
  'aws-iso-b',
  'aws-iso-e',
  'aws-iso-f',
  'aws-eusc',
] as const;

export type Partition = (typeof PARTITIONS)[number];

export interface PrivateRegistry {
  kind: 'private';
  /** The item as written (trimmed), for messages. */
  item: string;
  /** Exactly 12 digits, a string: leading zeros matter. */
  account: string;
  region: string;
  partition: Partition;
  fips: boolean;
  dualStack: boolean;
  /** Lower-case login host (docker config key): no scheme, no path. */
  host: string;
  /** True when the user wrote a host or URI, false for a bare account ID. */
  namedHost: boolean;
}

export interface PublicRegistry {
  kind: 'public';
  item: string;
  host: 'public.ecr.aws' | 'ecr-public.aws.com';
  dualStack: boolean;
}

export type Registry = PrivateRegistry | PublicRegistry;

/** `item` is display-safe: quoted, escaped, userinfo redacted, cut when long. */
export interface ItemProblem {
  item: string;
  reason: string;
}

export type ItemResult = { ok: true; registry: Registry } | { ok: false; problem: ItemProblem };

const FIPS_REGIONS = ['us-east-1', 'us-east-2', 'us-west-1', 'us-west-2', 'us-gov-east-1', 'us-gov-west-1'];

// Each prefix ends in "-", so `us-iso-` never swallows `us-isob-…`: order does not matter.
const REGION_PREFIXES: [string, Partition][] = [
  ['cn-', 'aws-cn'],
  ['us-gov-', 'aws-us-gov'],
  ['us-iso-', 'aws-iso'],
  ['us-isob-', 'aws-iso-b'],
  ['eu-isoe-', 'aws-iso-e'],
  ['us-isof-', 'aws-iso-f'],
  ['eusc-', 'aws-eusc'],
];

interface SuffixRule {
  partitions: readonly Partition[];
  /** Dual-stack domains spell the service `dkr-ecr`. */
  dualStack: boolean;
  /** Also accept the `dkr.ecr` spelling on a dual-stack domain. */
  dotToo?: boolean;
}

// A Map, not an object literal: a suffix like `constructor` must not hit Object.prototype.
const SUFFIXES = new Map<string, SuffixRule>([
  ['amazonaws.com', { partitions: ['aws', 'aws-us-gov'], dualStack: false }],
  ['on.aws', { partitions: ['aws', 'aws-us-gov'], dualStack: true }],
  ['amazonaws.com.cn', { partitions: ['aws-cn'], dualStack: false }],
  // Sources disagree on `dkr-ecr.` vs `dkr.ecr.` before the region here: accept both.
  ['on.amazonwebservices.com.cn', { partitions: ['aws-cn'], dualStack: true, dotToo: true }],
  ['c2s.ic.gov', { partitions: ['aws-iso'], dualStack: false }],
  ['sc2s.sgov.gov', { partitions: ['aws-iso-b'], dualStack: false }],
  ['cloud.adc-e.uk', { partitions: ['aws-iso-e'], dualStack: false }],
  ['csp.hci.ic.gov', { partitions: ['aws-iso-f'], dualStack: false }],
  ['amazonaws.eu', { partitions: ['aws-eusc'], dualStack: false }],
]);

const STANDARD_SUFFIX: Record<Partition, string> = {
  aws: 'amazonaws.com',
  'aws-us-gov': 'amazonaws.com',
  'aws-cn': 'amazonaws.com.cn',
  'aws-iso': 'c2s.ic.gov',
  'aws-iso-b': 'sc2s.sgov.gov',
  'aws-iso-e': 'cloud.adc-e.uk',
  'aws-iso-f': 'csp.hci.ic.gov',
  'aws-eusc': 'amazonaws.eu',
};

/** Registry (dkr-ecr) hosts on the dual-stack domains; the other partitions have none. */
const DUAL_STACK_REGISTRY_SUFFIX: Partial<Record<Partition, string>> = {
  aws: 'on.aws',
  'aws-us-gov': 'on.aws',
  'aws-cn': 'on.amazonwebservices.com.cn',
};

const PUBLIC_HOSTS = ['public.ecr.aws', 'ecr-public.aws.com'] as const;
const SCHEME = /^([a-z][a-z0-9+.-]*):\/\//i;
const PRIVATE_HOST = /^([^.]+)\.(dkr\.ecr|dkr-ecr)(-fips)?\.([^.]+)\.(.+)$/;
// Docker distribution's path component, case-insensitive: only the host matters to us.
const SEGMENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/i;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const DIGEST = /^sha256:[a-f0-9]{64}$/;

export function isRegion(text: string): boolean {
  return /^[a-z]{2,4}(?:-[a-z]+){1,3}-\d{1,2}$/.test(text);
}

export function partitionOfRegion(region: string): Partition {
  const lower = region.toLowerCase();
  return REGION_PREFIXES.find(([prefix]) => lower.startsWith(prefix))?.[1] ?? 'aws';
}

function accountProblem(digits: string): string | undefined {
  if (digits.length === 12) return undefined;
  const base = `an AWS account ID has exactly 12 digits, this has ${digits.length}`;
  if (digits.length > 12) return base;
  return (
    `${base}: YAML turns an unquoted number like 012345678901 into 12345678901 (dropping the leading zero), ` +
    `so quote the account ID (for example '012345678901')`
  );
}

function standardHost(account: string, region: string, partition: Partition): string {
  return `${account}.dkr.ecr.${region}.${STANDARD_SUFFIX[partition]}`;
}

/** Classifies a lower-case host: a registry, or the reason it is not one. */
function parseHost(host: string, item: string): Registry | string {
  const publicHost = PUBLIC_HOSTS.find((h) => h === host);
  if (publicHost)
    return { kind: 'public', item, host: publicHost, dualStack: publicHost === 'ecr-public.aws.com' };
  if (host.split('.').includes('')) return 'the host has an empty label (a doubled, leading or trailing dot)';
  const match = PRIVATE_HOST.exec(host);
  if (!match) {
    if (PUBLIC_HOSTS.some((h) => host.includes(h))) {
      return 'is not ECR Public: its host is exactly public.ecr.aws or ecr-public.aws.com';
    }
    return (
      'is not an ECR registry: expected a 12-digit account ID, <account>.dkr.ecr.<region>.amazonaws.com ' +
      '(or another ECR host form), public.ecr.aws or ecr-public.aws.com'
    );
  }
  const [, account = '', service, fipsPart, region = '', suffix = ''] = match;
  if (!/^\d+$/.test(account))
    return `the host's first label ${display(account)} is not a 12-digit account ID`;
  const badAccount = accountProblem(account);
  if (badAccount) return `in the host, ${badAccount}`;
  const rule = SUFFIXES.get(suffix);
  if (!rule) return `unknown domain ${display(suffix)}: ECR hosts end in ${[...SUFFIXES.keys()].join(', ')}`;
  if (!isRegion(region)) return `${display(region)} is not an AWS region (like us-east-1)`;
  const partition = partitionOfRegion(region);
  const dualSuffix = DUAL_STACK_REGISTRY_SUFFIX[partition];
  if (!rule.partitions.includes(partition)) {
    const expected = dualSuffix
      ? `${STANDARD_SUFFIX[partition]} or ${dualSuffix}`
      : STANDARD_SUFFIX[partition];
    return `region ${region} is in partition ${partition}, whose ECR hosts end in ${expected}, not ${suffix}`;
  }
  const dashed = service === 'dkr-ecr';
  if (dashed && !rule.dualStack) {
    return dualSuffix
      ? `dual-stack hosts (dkr-ecr) end in ${dualSuffix}, not ${suffix}`
      : `partition ${partition} has no dual-stack ECR endpoint (dkr-ecr)`;
  }
  if (!dashed && rule.dualStack && !rule.dotToo) return `hosts on ${suffix} are spelled dkr-ecr, not dkr.ecr`;
  const fips = fipsPart !== undefined;
  if (fips && !FIPS_REGIONS.includes(region)) {
    return `ECR FIPS endpoints exist only in ${FIPS_REGIONS.join(', ')}, not in ${region}`;
  }
  return {
    kind: 'private',
    item,
    account,
    region,
    partition,
    fips,
    dualStack: rule.dualStack,
    host,
    namedHost: true,
  };
}

/** Checks the image path after the host (`team/app:tag@sha256:…`); empty means a trailing '/'. */
function pathProblem(path: string): string | undefined {
  if (path === '') return undefined;
  const at = path.indexOf('@');
  if (at >= 0 && !DIGEST.test(path.slice(at + 1))) {
    return 'the digest after @ must be sha256: followed by 64 lower-case hex digits';
  }
  const segments = (at < 0 ? path : path.slice(0, at)).split('/');
  const last = segments.pop() ?? '';
  const colon = last.indexOf(':');
  if (colon >= 0) {
    const tag = last.slice(colon + 1);
    if (!TAG.test(tag))
      return `the image tag ${display(tag)} is not valid (1-128 of A-Z a-z 0-9 _ . -, not starting with . or -)`;
    segments.push(last.slice(0, colon));
  } else {
    segments.push(last);
  }
  const bad = segments.find((s) => !SEGMENT.test(s));
  if (bad === undefined) return undefined;
  return bad === ''
    ? 'the image path has an empty segment'
    : `${display(bad)} is not a valid repository path segment`;
}

export function parseRegistryItem(item: string, defaultRegion?: string): ItemResult {
  const text = item.trim();
  const fail = (reason: string): ItemResult => ({
    ok: false,
    problem: { item: display(redactUserinfo(text)), reason },
  });
  if (text === '') return fail('the item is empty');
  if (/[\s\p{Cc}\p{Cf}]/u.test(text)) {
    return fail('contains whitespace or control characters; separate items with commas or newlines');
  }
  if (/[^\x21-\x7e]/.test(text)) return fail('contains non-ASCII characters; ECR hosts are plain ASCII');

  const scheme = SCHEME.exec(text);
  if (scheme && scheme[1]?.toLowerCase() !== 'https') {
    return fail(`only https:// may precede the host, not ${display(`${scheme[1]}://`)}`);
  }
  const rest = text.slice(scheme?.[0].length ?? 0);
  if (redactUserinfo(rest) !== rest) {
    return fail(
      "has an '@' that does not start an @sha256: digest: credentials (user:password@) do not belong in " +
        'the registry list; the action gets tokens from AWS',
    );
  }
  if (/[?#]/.test(rest)) return fail('a query string (?) or fragment (#) is not part of a registry');

  const slash = rest.indexOf('/');
  const host = (slash < 0 ? rest : rest.slice(0, slash)).toLowerCase();
  const path = slash < 0 ? '' : rest.slice(slash + 1);
  if (host === '') return fail('has no registry host');
  if (host.includes(':')) {
    return fail(
      /:\d+$/.test(host)
        ? 'a port is not part of an ECR registry host (docker keys the login by the bare host)'
        : "has ':' in the host; ':' may only start an image tag after a repository path",
    );
  }

  if (/^\d+$/.test(host)) {
    if (scheme || slash >= 0) return fail('an account ID stands alone, without https:// or a path');
    const badAccount = accountProblem(host);
    if (badAccount) return fail(badAccount);
    const region = defaultRegion?.trim().toLowerCase();
    if (!region) {
      return fail(
        'a bare account ID needs a region: set the `region` input, AWS_REGION or AWS_DEFAULT_REGION, ' +
          'or write the registry host (<account>.dkr.ecr.<region>.amazonaws.com)',
      );
    }
    if (!isRegion(region))
      return fail(`the default region ${display(region)} is not an AWS region (like us-east-1)`);
    const partition = partitionOfRegion(region);
    const registry: PrivateRegistry = {
      kind: 'private',
      item: text,
      account: host,
      region,
      partition,
      fips: false,
      dualStack: false,
      host: standardHost(host, region, partition),
      namedHost: false,
    };
    return { ok: true, registry };
  }

  const registry = parseHost(host, text);
  if (typeof registry === 'string') return fail(registry);
  const badPath = pathProblem(path);
  if (badPath) return fail(badPath);
  return { ok: true, registry };
}

/**
 * Parses a comma- and/or newline-separated list. Items naming the same login host merge (first seen
 * wins); every bad item is reported, not only the first.
 */
export function parseRegistryList(
  text: string,
  defaultRegion?: string,
): { registries: Registry[]; problems: ItemProblem[] } {
  const registries: Registry[] = [];
  const problems: ItemProblem[] = [];
  const hosts = new Set<string>();
  for (const raw of text.split(/[,\r\n]/)) {
    if (raw.trim() === '') continue;
    const result = parseRegistryItem(raw, defaultRegion);
    if (!result.ok) problems.push(result.problem);
    else if (!hosts.has(result.registry.host)) {
      hosts.add(result.registry.host);
      registries.push(result.registry);
    }
  }
  return { registries, problems };
}
