import { describe, expect, it } from 'vitest';
import { parseRegistryList, type Registry } from '../../src/ecr/registry.js';
import { planTokenRequests, type TokenRequest } from '../../src/ecr/token-plan.js';

/** Parses a registry list that must be valid. */
function registries(text: string, region = 'us-east-1'): Registry[] {
  const parsed = parseRegistryList(text, region);
  expect(parsed.problems).toEqual([]);
  return parsed.registries;
}

/** n distinct 12-digit accounts: 100000000000, 100000000001, … */
function accounts(n: number): string[] {
  return Array.from({ length: n }, (_, i) => String(100_000_000_000 + i));
}

/** A compact view of a plan: [kind, partition/region/fips, role, ids or hosts]. */
function summary(plan: TokenRequest[]) {
  return plan.map((r) =>
    r.kind === 'private'
      ? {
          kind: r.kind,
          partition: r.partition,
          region: r.region,
          fips: r.fips,
          role: r.role,
          ids: r.registryIds,
          hosts: r.registries.map((x) => x.host),
        }
      : { kind: r.kind, region: r.region, role: r.role, hosts: r.registries.map((x) => x.host) },
  );
}

const A = '111111111111';
const B = '222222222222';
const C = '012345678901';

describe('planTokenRequests', () => {
  it('plans nothing for no registries', () => {
    expect(planTokenRequests([])).toEqual([]);
  });

  it.each<[string, string, ReturnType<typeof summary>]>([
    [
      'accounts of one region share a request',
      `${A}, ${B}, ${C}`,
      [
        {
          kind: 'private',
          partition: 'aws',
          region: 'us-east-1',
          fips: false,
          role: undefined,
          ids: [A, B, C],
          hosts: [A, B, C].map((a) => `${a}.dkr.ecr.us-east-1.amazonaws.com`),
        },
      ],
    ],
    [
      'regions get their own request, in first-seen order',
      `${A}.dkr.ecr.eu-west-1.amazonaws.com, ${A}, ${B}.dkr.ecr.eu-west-1.amazonaws.com`,
      [
        {
          kind: 'private',
          partition: 'aws',
          region: 'eu-west-1',
          fips: false,
          role: undefined,
          ids: [A, B],
          hosts: [`${A}.dkr.ecr.eu-west-1.amazonaws.com`, `${B}.dkr.ecr.eu-west-1.amazonaws.com`],
        },
        {
          kind: 'private',
          partition: 'aws',
          region: 'us-east-1',
          fips: false,
          role: undefined,
          ids: [A],
          hosts: [`${A}.dkr.ecr.us-east-1.amazonaws.com`],
        },
      ],
    ],
    [
      'FIPS is part of the key',
      `${A}, ${A}.dkr.ecr-fips.us-east-1.amazonaws.com, ${B}.dkr-ecr-fips.us-east-1.on.aws`,
      [
        {
          kind: 'private',
          partition: 'aws',
          region: 'us-east-1',
          fips: false,
          role: undefined,
          ids: [A],
          hosts: [`${A}.dkr.ecr.us-east-1.amazonaws.com`],
        },
        {
          kind: 'private',
          partition: 'aws',
          region: 'us-east-1',
          fips: true,
          role: undefined,
          ids: [A, B],
          hosts: [`${A}.dkr.ecr-fips.us-east-1.amazonaws.com`, `${B}.dkr-ecr-fips.us-east-1.on.aws`],
        },
      ],
    ],
    [
      'dual-stack and standard hosts of an account share a request and an ID',
      `${A}.dkr-ecr.us-east-1.on.aws, ${A}, ${B}.dkr-ecr.us-east-1.on.aws`,
      [
        {
          kind: 'private',
          partition: 'aws',
          region: 'us-east-1',
          fips: false,
          role: undefined,
          ids: [A, B],
          hosts: [
            `${A}.dkr-ecr.us-east-1.on.aws`,
            `${A}.dkr.ecr.us-east-1.amazonaws.com`,
            `${B}.dkr-ecr.us-east-1.on.aws`,
          ],
        },
      ],
    ],
    [
      'China dual-stack spellings share the China request',
      `${A}.dkr.ecr.cn-north-1.amazonaws.com.cn, ${A}.dkr-ecr.cn-north-1.on.amazonwebservices.com.cn, ${B}.dkr.ecr.cn-north-1.on.amazonwebservices.com.cn`,
      [
        {
          kind: 'private',
          partition: 'aws-cn',
          region: 'cn-north-1',
          fips: false,
          role: undefined,
          ids: [A, B],
          hosts: [
            `${A}.dkr.ecr.cn-north-1.amazonaws.com.cn`,
            `${A}.dkr-ecr.cn-north-1.on.amazonwebservices.com.cn`,
            `${B}.dkr.ecr.cn-north-1.on.amazonwebservices.com.cn`,
          ],
        },
      ],
    ],
    [
      'partitions never share a request',
      `${A}.dkr.ecr.us-gov-west-1.amazonaws.com, ${A}.dkr.ecr.eusc-de-east-1.amazonaws.eu, ${A}.dkr.ecr.us-iso-east-1.c2s.ic.gov`,
      [
        {
          kind: 'private',
          partition: 'aws-us-gov',
          region: 'us-gov-west-1',
          fips: false,
          role: undefined,
          ids: [A],
          hosts: [`${A}.dkr.ecr.us-gov-west-1.amazonaws.com`],
        },
        {
          kind: 'private',
          partition: 'aws-eusc',
          region: 'eusc-de-east-1',
          fips: false,
          role: undefined,
          ids: [A],
          hosts: [`${A}.dkr.ecr.eusc-de-east-1.amazonaws.eu`],
        },
        {
          kind: 'private',
          partition: 'aws-iso',
          region: 'us-iso-east-1',
          fips: false,
          role: undefined,
          ids: [A],
          hosts: [`${A}.dkr.ecr.us-iso-east-1.c2s.ic.gov`],
        },
      ],
    ],
    [
      'public items make one us-east-1 request, placed where the first one was seen',
      `public.ecr.aws/a/b, ${A}, ecr-public.aws.com, public.ecr.aws/c/d:1`,
      [
        {
          kind: 'public',
          region: 'us-east-1',
          role: undefined,
          hosts: ['public.ecr.aws', 'ecr-public.aws.com'],
        },
        {
          kind: 'private',
          partition: 'aws',
          region: 'us-east-1',
          fips: false,
          role: undefined,
          ids: [A],
          hosts: [`${A}.dkr.ecr.us-east-1.amazonaws.com`],
        },
      ],
    ],
  ])('%s', (_name, text, expected) => {
    expect(summary(planTokenRequests(registries(text)))).toEqual(expected);
  });

  it('returns full requests without a role key when no role applies', () => {
    const regs = registries(`${A}, public.ecr.aws`);
    const plan = planTokenRequests(regs);
    expect(plan).toEqual([
      {
        kind: 'private',
        partition: 'aws',
        region: 'us-east-1',
        fips: false,
        registryIds: [A],
        registries: [regs[0]],
      },
      { kind: 'public', region: 'us-east-1', registries: [regs[1]] },
    ]);
    expect(plan.some((r) => 'role' in r)).toBe(false);
  });

  it('makes one public request for duplicate public registries given directly', () => {
    const [pub] = registries('public.ecr.aws');
    if (!pub) throw new Error('no registry');
    const plan = planTokenRequests([pub, pub, pub]);
    expect(plan).toHaveLength(1);
    expect(plan[0]).toMatchObject({ kind: 'public', region: 'us-east-1' });
    expect(plan[0]?.registries).toHaveLength(3);
  });

  describe('roles', () => {
    const ROLE_1 = 'arn:aws:iam::111111111111:role/one';
    const ROLE_2 = 'arn:aws:iam::222222222222:role/two';
    const byAccount = (r: Registry) =>
      r.kind === 'public' ? undefined : ({ [A]: ROLE_1, [B]: ROLE_2 } as Record<string, string>)[r.account];

    it('splits a region by role, merging registries with the same role', () => {
      const regs = registries(`${A}, ${B}, ${A}.dkr-ecr.us-east-1.on.aws, ${C}, public.ecr.aws`);
      expect(summary(planTokenRequests(regs, byAccount))).toEqual([
        {
          kind: 'private',
          partition: 'aws',
          region: 'us-east-1',
          fips: false,
          role: ROLE_1,
          ids: [A],
          hosts: [`${A}.dkr.ecr.us-east-1.amazonaws.com`, `${A}.dkr-ecr.us-east-1.on.aws`],
        },
        {
          kind: 'private',
          partition: 'aws',
          region: 'us-east-1',
          fips: false,
          role: ROLE_2,
          ids: [B],
          hosts: [`${B}.dkr.ecr.us-east-1.amazonaws.com`],
        },
        {
          kind: 'private',
          partition: 'aws',
          region: 'us-east-1',
          fips: false,
          role: undefined,
          ids: [C],
          hosts: [`${C}.dkr.ecr.us-east-1.amazonaws.com`],
        },
        { kind: 'public', region: 'us-east-1', role: undefined, hosts: ['public.ecr.aws'] },
      ]);
    });

    it('groups public registries by role', () => {
      const regs = registries('public.ecr.aws, ecr-public.aws.com');
      const plan = planTokenRequests(regs, (r) => (r.host === 'public.ecr.aws' ? ROLE_1 : ROLE_2));
      expect(summary(plan)).toEqual([
        { kind: 'public', region: 'us-east-1', role: ROLE_1, hosts: ['public.ecr.aws'] },
        { kind: 'public', region: 'us-east-1', role: ROLE_2, hosts: ['ecr-public.aws.com'] },
      ]);
    });

    it('treats an empty role as no role', () => {
      const plan = planTokenRequests(registries(`${A}, ${B}`), (r) =>
        r.host.startsWith(A) ? '' : undefined,
      );
      expect(plan).toHaveLength(1);
      expect(plan[0]).not.toHaveProperty('role');
      expect(plan[0]).toMatchObject({ registryIds: [A, B] });
    });
  });

  describe('the registryIds limit', () => {
    it.each<[number, number[]]>([
      [1, [1]],
      [9, [9]],
      [10, [10]],
      [11, [10, 1]],
      [20, [10, 10]],
      [25, [10, 10, 5]],
    ])('%i accounts make chunks of %j', (n, sizes) => {
      const ids = accounts(n);
      const plan = planTokenRequests(registries(ids.join(',')));
      expect(plan.map((r) => (r.kind === 'private' ? r.registryIds.length : -1))).toEqual(sizes);
      // Consecutive chunks, first-seen order, each carrying exactly its own registries.
      expect(plan.flatMap((r) => (r.kind === 'private' ? r.registryIds : []))).toEqual(ids);
      for (const r of plan) {
        if (r.kind !== 'private') throw new Error('expected private');
        expect(r.registries.map((x) => x.account)).toEqual(r.registryIds);
        expect(r).toMatchObject({ partition: 'aws', region: 'us-east-1', fips: false });
      }
    });

    it('keeps every host of an account in that account chunk', () => {
      const ids = accounts(11);
      const eleventh = ids[10];
      const text = [
        ...ids,
        `${eleventh}.dkr-ecr.us-east-1.on.aws`,
        `${ids[0]}.dkr-ecr.us-east-1.on.aws`,
      ].join('\n');
      const plan = planTokenRequests(registries(text));
      expect(summary(plan).map((r) => r.hosts.length)).toEqual([11, 2]);
      expect(plan[1]?.registries.map((x) => x.host)).toEqual([
        `${eleventh}.dkr.ecr.us-east-1.amazonaws.com`,
        `${eleventh}.dkr-ecr.us-east-1.on.aws`,
      ]);
    });

    it('counts the limit per region and role, not across them', () => {
      const ids = accounts(10);
      const text = [...ids, ...ids.map((a) => `${a}.dkr.ecr.eu-west-1.amazonaws.com`)].join(',');
      const plan = planTokenRequests(registries(text));
      expect(plan.map((r) => (r.kind === 'private' ? [r.region, r.registryIds.length] : []))).toEqual([
        ['us-east-1', 10],
        ['eu-west-1', 10],
      ]);
    });
  });
});
