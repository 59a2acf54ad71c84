// The per-registry inputs (registry-roles by account, registry-profiles, registry-aliases) through
// parseSettings and planTokens: which registry gets which value, precedence, how token calls are grouped, every rejection.
import { describe, expect, it } from 'vitest';
import { InputError, parseSettings } from '../../src/action/inputs.js';
import type { Settings } from '../../src/action/types.js';
import { planTokens } from '../../src/ecr/token-plan.js';

const A = '111111111111';
const B = '222222222222';
const host = (account: string, region: string) => `${account}.dkr.ecr.${region}.amazonaws.com`;
const ROLE_B = `arn:aws:iam::${B}:role/ecr-push`;
const ROLE_B2 = `arn:aws:iam::${B}:role/ecr-other`;

function parse(inputs: Record<string, string>): Settings {
  return parseSettings((name) => inputs[name] ?? '', { AWS_REGION: 'us-east-1' });
}

function problems(inputs: Record<string, string>): string[] {
  try {
    parse(inputs);
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return (e as InputError).problems;
  }
  throw new Error('parseSettings accepted the inputs');
}

/** [region, role, profile, registryIds] per token call. */
const calls = (settings: Settings) =>
  planTokens(settings).map((r) => [r.region, r.role, r.profile, r.kind === 'private' ? r.registryIds : []]);

describe('registry-roles: an account ID means every listed registry of that account', () => {
  it('applies to the account in every region and partition it is listed in', () => {
    const settings = parse({
      registries: [
        A,
        host(B, 'eu-west-1'),
        host(B, 'us-east-1'),
        `${B}.dkr.ecr.cn-north-1.amazonaws.com.cn`,
      ].join('\n'),
      'registry-roles': `${B}=${ROLE_B}\n${B}.dkr.ecr.cn-north-1.amazonaws.com.cn=arn:aws-cn:iam::${B}:role/cn`,
    });
    expect([...settings.roles]).toEqual([
      [host(B, 'eu-west-1'), ROLE_B],
      [host(B, 'us-east-1'), ROLE_B],
      [`${B}.dkr.ecr.cn-north-1.amazonaws.com.cn`, `arn:aws-cn:iam::${B}:role/cn`],
    ]);
    expect(calls(settings)).toEqual([
      ['us-east-1', undefined, undefined, [A]],
      ['eu-west-1', ROLE_B, undefined, [B]],
      ['us-east-1', ROLE_B, undefined, [B]],
      ['cn-north-1', `arn:aws-cn:iam::${B}:role/cn`, undefined, [B]],
    ]);
  });

  it('a host or image URI wins over its account’s line, in either order', () => {
    for (const lines of [
      [`${B}=${ROLE_B}`, `https://${host(B, 'eu-west-1')}/app:1=${ROLE_B2}`],
      [`https://${host(B, 'eu-west-1')}/app:1=${ROLE_B2}`, `${B}=${ROLE_B}`],
    ]) {
      const settings = parse({
        registries: `${host(B, 'eu-west-1')}, ${host(B, 'us-east-1')}`,
        'registry-roles': lines.join('\n'),
      });
      expect([...settings.roles]).toEqual([
        [host(B, 'eu-west-1'), ROLE_B2],
        [host(B, 'us-east-1'), ROLE_B],
      ]);
    }
  });

  it('an account matching no listed registry names it and the listed accounts', () => {
    expect(
      problems({ registries: `${A}, ${host(A, 'eu-west-1')}`, 'registry-roles': `${B}=${ROLE_B}` }),
    ).toEqual([
      `Input \`registry-roles\`: "${B}=${ROLE_B}": account ${B} has no registry listed in \`registries\` (listed accounts: ${A}).`,
    ]);
    expect(problems({ registries: 'public.ecr.aws', 'registry-roles': `${B}=${ROLE_B}` })).toEqual([
      `Input \`registry-roles\`: "${B}=${ROLE_B}": account ${B} has no registry listed in \`registries\` (listed accounts: none).`,
    ]);
  });

  it('an account line is checked against each registry it reaches (partition)', () => {
    expect(
      problems({
        registries: `${B}.dkr.ecr.cn-north-1.amazonaws.com.cn`,
        'registry-roles': `${B}=${ROLE_B}`,
      }),
    ).toEqual([
      `Input \`registry-roles\`: "${B}=${ROLE_B}": the role is in partition aws but the registry is in aws-cn.`,
    ]);
  });
});

describe('registry-profiles', () => {
  it('maps items to profiles with the same rules, and groups token calls per (profile + role, region)', () => {
    const settings = parse({
      registries: [A, host(B, 'eu-west-1'), host(B, 'us-east-1'), host(A, 'eu-west-1')].join(','),
      'registry-profiles': `${B}=ci-b\n${host(B, 'us-east-1')} = ci-b-east\n ${host(A, 'eu-west-1')}=ci-a`,
      'registry-roles': `${host(B, 'eu-west-1')}=${ROLE_B}`,
    });
    expect([...settings.profiles]).toEqual([
      [host(B, 'eu-west-1'), 'ci-b'],
      [host(B, 'us-east-1'), 'ci-b-east'],
      [host(A, 'eu-west-1'), 'ci-a'],
    ]);
    expect(calls(settings)).toEqual([
      ['us-east-1', undefined, undefined, [A]],
      ['eu-west-1', ROLE_B, 'ci-b', [B]],
      ['us-east-1', undefined, 'ci-b-east', [B]],
      ['eu-west-1', undefined, 'ci-a', [A]],
    ]);
  });

  it('registries sharing a profile, region and partition share one call', () => {
    const settings = parse({ registries: `${A}, ${B}`, 'registry-profiles': `${A}=shared\n${B}=shared` });
    expect(calls(settings)).toEqual([['us-east-1', undefined, 'shared', [A, B]]]);
  });

  it('accepts the names the SDK accepts in a section header', () => {
    const name = 'team/ci_b-1.prod@x+y%z:w';
    expect(
      parse({ registries: A, 'registry-profiles': `${A}=${name}` }).profiles.get(host(A, 'us-east-1')),
    ).toBe(name);
  });

  it.each<[string, string]>([
    ['ci-b', 'Input `registry-profiles`: "ci-b" is not ITEM=PROFILE.'],
    [`${A}=`, `Input \`registry-profiles\`: "${A}=" is not ITEM=PROFILE.`],
    ['=ci-b', 'Input `registry-profiles`: "=ci-b" is not ITEM=PROFILE.'],
    [
      `${A}=ci b`,
      `Input \`registry-profiles\`: "${A}=ci b": "ci b" is not a profile name (letters, digits and _ - @ + . % : /).`,
    ],
    [
      `${A}=[ci]`,
      `Input \`registry-profiles\`: "${A}=[ci]": "[ci]" is not a profile name (letters, digits and _ - @ + . % : /).`,
    ],
    [
      `${B}=ci-b`,
      `Input \`registry-profiles\`: "${B}=ci-b": account ${B} has no registry listed in \`registries\` (listed accounts: ${A}).`,
    ],
    [
      `${host(A, 'eu-west-1')}=ci-a`,
      `Input \`registry-profiles\`: "${host(A, 'eu-west-1')}=ci-a": "${host(A, 'eu-west-1')}" does not name a registry listed in \`registries\`.`,
    ],
    [`${A}=ci-a\n${A}=ci-b`, `Input \`registry-profiles\`: "${A}=ci-b": account ${A} already has a profile.`],
  ])('refuses %j', (lines, message) => {
    expect(problems({ registries: A, 'registry-profiles': lines })).toEqual([message]);
  });
});

describe('registry-aliases', () => {
  it('adds each alias with its registry; the registry is logged in only when listed', () => {
    const settings = parse({
      registries: A,
      'registry-aliases': `ecr.example.com=${A}\nmirror.example.com:5000 = ${host(B, 'eu-west-1')}/app:1`,
    });
    expect(settings.aliases.map((a) => [a.host, a.target.host])).toEqual([
      ['ecr.example.com', host(A, 'us-east-1')],
      ['mirror.example.com:5000', host(B, 'eu-west-1')],
    ]);
    expect(settings.registries.map((r) => r.host)).toEqual([host(A, 'us-east-1')]);
    // B is asked for a token (for the alias) although `registries` does not list it.
    expect(calls(settings)).toEqual([
      ['us-east-1', undefined, undefined, [A]],
      ['eu-west-1', undefined, undefined, [B]],
    ]);
  });

  it('with aliases alone, no default registry is implied; roles and profiles reach alias registries', () => {
    const settings = parse({
      'registry-aliases': `10.0.0.7:443=${host(B, 'eu-west-1')}`,
      'registry-roles': `${B}=${ROLE_B}`,
      'registry-profiles': `${host(B, 'eu-west-1')}=ci-b`,
    });
    expect(settings.registries).toEqual([]);
    expect(calls(settings)).toEqual([['eu-west-1', ROLE_B, 'ci-b', [B]]]);
  });

  it('lower-cases the alias', () => {
    expect(parse({ 'registry-aliases': `ECR.Example.COM=${A}` }).aliases[0]?.host).toBe('ecr.example.com');
  });

  const where = (line: string) => `Input \`registry-aliases\`: ${JSON.stringify(line)}`;
  it.each<[string, string]>([
    ['ecr.example.com', `${where('ecr.example.com')} is not ALIAS=REGISTRY.`],
    [`=${A}`, `${where(`=${A}`)} is not ALIAS=REGISTRY.`],
    ['ecr.example.com=', `${where('ecr.example.com=')} is not ALIAS=REGISTRY.`],
    [
      `https://ecr.example.com=${A}`,
      `${where(`https://ecr.example.com=${A}`)}: the alias is a plain host: no scheme (https://).`,
    ],
    [
      `ecr.example.com/team=${A}`,
      `${where(`ecr.example.com/team=${A}`)}: the alias is a plain host: no path, query or fragment.`,
    ],
    [
      `bob:pw@ecr.example.com=${A}`,
      `Input \`registry-aliases\`: "***@ecr.example.com=${A}": the alias is a plain host: no credentials (user:password@).`,
    ],
    [
      `ecr.example.com:0=${A}`,
      `${where(`ecr.example.com:0=${A}`)}: the port "0" is not a number from 1 to 65535.`,
    ],
    [
      `ecr.example.com:65536=${A}`,
      `${where(`ecr.example.com:65536=${A}`)}: the port "65536" is not a number from 1 to 65535.`,
    ],
    [
      `ecr.exa_mple.com=${A}`,
      `${where(`ecr.exa_mple.com=${A}`)}: the alias is not a valid host name (labels of letters, digits and inner hyphens, separated by dots).`,
    ],
    [
      `-ecr.example.com=${A}`,
      `${where(`-ecr.example.com=${A}`)}: the alias is not a valid host name (labels of letters, digits and inner hyphens, separated by dots).`,
    ],
    [
      `ecr..example.com=${A}`,
      `${where(`ecr..example.com=${A}`)}: the alias is not a valid host name (labels of letters, digits and inner hyphens, separated by dots).`,
    ],
    [
      `écr.example.com=${A}`,
      `Input \`registry-aliases\`: "\\u00e9cr.example.com=${A}": the alias contains non-ASCII characters; write the punycode (xn--) form.`,
    ],
    [
      `${host(A, 'us-east-1')}=${A}`,
      `${where(`${host(A, 'us-east-1')}=${A}`)}: ${host(A, 'us-east-1')} is itself an ECR registry; list it in \`registries\` (an alias is your own host name).`,
    ],
    [
      `public.ecr.aws=${A}`,
      `${where(`public.ecr.aws=${A}`)}: public.ecr.aws is itself an ECR registry; list it in \`registries\` (an alias is your own host name).`,
    ],
    // Look-alikes get the `registries` grammar's own verdict.
    [
      `${A}.dkr.ecr.us-east-1.amazonaws.co=${A}`,
      `${where(`${A}.dkr.ecr.us-east-1.amazonaws.co=${A}`)}: "${A}.dkr.ecr.us-east-1.amazonaws.co": unknown domain "amazonaws.co": ECR hosts end in amazonaws.com, on.aws, amazonaws.com.cn, on.amazonwebservices.com.cn, c2s.ic.gov, sc2s.sgov.gov, cloud.adc-e.uk, csp.hci.ic.gov, amazonaws.eu.`,
    ],
    [
      `${A}.dkr.ecr.us-east-1.amazonaws.com:443=${A}`,
      `${where(`${A}.dkr.ecr.us-east-1.amazonaws.com:443=${A}`)}: "${A}.dkr.ecr.us-east-1.amazonaws.com:443": a port is not part of an ECR registry host (docker keys the login by the bare host).`,
    ],
    [
      `public.ecr.aws.example.com=${A}`,
      `${where(`public.ecr.aws.example.com=${A}`)}: "public.ecr.aws.example.com": is not ECR Public: its host is exactly public.ecr.aws or ecr-public.aws.com.`,
    ],
    // The registry side: the `registries` grammar, private only.
    [
      'ecr.example.com=12345678901',
      `${where('ecr.example.com=12345678901')}: "12345678901": an AWS account ID has exactly 12 digits, this has 11: YAML turns an unquoted number like 012345678901 into 12345678901 (dropping the leading zero), so quote the account ID (for example '012345678901').`,
    ],
    [
      'ecr.example.com=registry.example.com',
      `${where('ecr.example.com=registry.example.com')}: "registry.example.com": is not an ECR registry: expected a 12-digit account ID, <account>.dkr.ecr.<region>.amazonaws.com (or another ECR host form), public.ecr.aws or ecr-public.aws.com.`,
    ],
    [
      'ecr.example.com=public.ecr.aws',
      `${where('ecr.example.com=public.ecr.aws')}: public.ecr.aws is ECR Public; an alias names a private registry.`,
    ],
    [
      `ecr.example.com=${A}\nECR.example.com=${B}`,
      `${where(`ECR.example.com=${B}`)}: ecr.example.com is already an alias.`,
    ],
  ])('refuses %j', (lines, message) => {
    expect(problems({ registries: A, 'registry-aliases': lines })).toEqual([message]);
  });
});
