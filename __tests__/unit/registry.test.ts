import { describe, expect, it } from 'vitest';
import {
  isRegion,
  type Partition,
  type PrivateRegistry,
  parseRegistryItem,
  parseRegistryList,
  partitionOfRegion,
  type Registry,
} from '../../src/ecr/registry.js';

const ACCOUNT = '123456789012';
const DIGEST = `sha256:${'0123456789abcdef'.repeat(4)}`;
const STD = `${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com`;

function accept(item: string, defaultRegion?: string): Registry {
  const result = parseRegistryItem(item, defaultRegion);
  if (!result.ok) throw new Error(`rejected ${result.problem.item}: ${result.problem.reason}`);
  return result.registry;
}

function reject(item: string, defaultRegion?: string) {
  const result = parseRegistryItem(item, defaultRegion);
  if (result.ok) throw new Error(`accepted ${item} as ${result.registry.host}`);
  return result.problem;
}

describe('isRegion', () => {
  it.each([
    'us-east-1',
    'eu-west-3',
    'ap-southeast-7',
    'us-gov-west-1',
    'cn-northwest-1',
    'us-iso-east-1',
    'us-isob-east-1',
    'eu-isoe-west-1',
    'us-isof-south-1',
    'eusc-de-east-1',
  ])('accepts %s', (region) => {
    expect(isRegion(region)).toBe(true);
  });

  it.each([
    '',
    'us-east',
    'useast1',
    'US-EAST-1',
    'us_east_1',
    'us-east-1a',
    'us-east-1.',
    ' us-east-1',
    'x-east-1',
  ])('rejects %j', (text) => {
    expect(isRegion(text)).toBe(false);
  });
});

describe('partitionOfRegion', () => {
  it.each<[string, Partition]>([
    ['us-east-1', 'aws'],
    ['eu-central-2', 'aws'],
    ['cn-north-1', 'aws-cn'],
    ['us-gov-east-1', 'aws-us-gov'],
    ['us-iso-west-1', 'aws-iso'],
    ['us-isob-east-1', 'aws-iso-b'],
    ['eu-isoe-west-1', 'aws-iso-e'],
    ['us-isof-east-1', 'aws-iso-f'],
    ['eusc-de-east-1', 'aws-eusc'],
  ])('%s is in %s', (region, partition) => {
    expect(partitionOfRegion(region)).toBe(partition);
  });
});

describe('private registry hosts', () => {
  // [host, region, partition, fips, dualStack]
  it.each<[string, string, Partition, boolean, boolean]>([
    [`${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com`, 'us-east-1', 'aws', false, false],
    [`${ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com`, 'eu-west-1', 'aws', false, false],
    [`${ACCOUNT}.dkr.ecr.ap-southeast-2.amazonaws.com`, 'ap-southeast-2', 'aws', false, false],
    [`${ACCOUNT}.dkr.ecr-fips.us-east-1.amazonaws.com`, 'us-east-1', 'aws', true, false],
    [`${ACCOUNT}.dkr.ecr-fips.us-east-2.amazonaws.com`, 'us-east-2', 'aws', true, false],
    [`${ACCOUNT}.dkr.ecr-fips.us-west-1.amazonaws.com`, 'us-west-1', 'aws', true, false],
    [`${ACCOUNT}.dkr.ecr-fips.us-west-2.amazonaws.com`, 'us-west-2', 'aws', true, false],
    [`${ACCOUNT}.dkr.ecr-fips.us-gov-east-1.amazonaws.com`, 'us-gov-east-1', 'aws-us-gov', true, false],
    [`${ACCOUNT}.dkr.ecr-fips.us-gov-west-1.amazonaws.com`, 'us-gov-west-1', 'aws-us-gov', true, false],
    [`${ACCOUNT}.dkr-ecr.us-east-1.on.aws`, 'us-east-1', 'aws', false, true],
    [`${ACCOUNT}.dkr-ecr.eu-north-1.on.aws`, 'eu-north-1', 'aws', false, true],
    [`${ACCOUNT}.dkr-ecr-fips.us-east-2.on.aws`, 'us-east-2', 'aws', true, true],
    [`${ACCOUNT}.dkr-ecr-fips.us-gov-west-1.on.aws`, 'us-gov-west-1', 'aws-us-gov', true, true],
    [`${ACCOUNT}.dkr.ecr.cn-north-1.amazonaws.com.cn`, 'cn-north-1', 'aws-cn', false, false],
    [`${ACCOUNT}.dkr.ecr.cn-northwest-1.amazonaws.com.cn`, 'cn-northwest-1', 'aws-cn', false, false],
    [`${ACCOUNT}.dkr-ecr.cn-north-1.on.amazonwebservices.com.cn`, 'cn-north-1', 'aws-cn', false, true],
    [
      `${ACCOUNT}.dkr.ecr.cn-northwest-1.on.amazonwebservices.com.cn`,
      'cn-northwest-1',
      'aws-cn',
      false,
      true,
    ],
    [`${ACCOUNT}.dkr.ecr.us-gov-west-1.amazonaws.com`, 'us-gov-west-1', 'aws-us-gov', false, false],
    [`${ACCOUNT}.dkr-ecr.us-gov-east-1.on.aws`, 'us-gov-east-1', 'aws-us-gov', false, true],
    [`${ACCOUNT}.dkr.ecr.us-iso-east-1.c2s.ic.gov`, 'us-iso-east-1', 'aws-iso', false, false],
    [`${ACCOUNT}.dkr.ecr.us-isob-east-1.sc2s.sgov.gov`, 'us-isob-east-1', 'aws-iso-b', false, false],
    [`${ACCOUNT}.dkr.ecr.eu-isoe-west-1.cloud.adc-e.uk`, 'eu-isoe-west-1', 'aws-iso-e', false, false],
    [`${ACCOUNT}.dkr.ecr.us-isof-south-1.csp.hci.ic.gov`, 'us-isof-south-1', 'aws-iso-f', false, false],
    [`${ACCOUNT}.dkr.ecr.eusc-de-east-1.amazonaws.eu`, 'eusc-de-east-1', 'aws-eusc', false, false],
    ['012345678901.dkr.ecr.us-east-1.amazonaws.com', 'us-east-1', 'aws', false, false],
  ])('%s', (host, region, partition, fips, dualStack) => {
    const account = host.slice(0, 12);
    const expected: PrivateRegistry = {
      kind: 'private',
      item: host,
      account,
      region,
      partition,
      fips,
      dualStack,
      host,
      namedHost: true,
    };
    expect(accept(host)).toEqual(expected);
    // A default region never changes a named host.
    expect(accept(host, 'eu-west-1')).toEqual(expected);
  });
});

describe('bare account IDs', () => {
  it.each<[string, string, Partition, string]>([
    [ACCOUNT, 'us-east-1', 'aws', STD],
    ['012345678901', 'eu-west-1', 'aws', '012345678901.dkr.ecr.eu-west-1.amazonaws.com'],
    [ACCOUNT, 'us-gov-west-1', 'aws-us-gov', `${ACCOUNT}.dkr.ecr.us-gov-west-1.amazonaws.com`],
    [ACCOUNT, 'cn-north-1', 'aws-cn', `${ACCOUNT}.dkr.ecr.cn-north-1.amazonaws.com.cn`],
    [ACCOUNT, 'us-iso-east-1', 'aws-iso', `${ACCOUNT}.dkr.ecr.us-iso-east-1.c2s.ic.gov`],
    [ACCOUNT, 'us-isob-east-1', 'aws-iso-b', `${ACCOUNT}.dkr.ecr.us-isob-east-1.sc2s.sgov.gov`],
    [ACCOUNT, 'eu-isoe-west-1', 'aws-iso-e', `${ACCOUNT}.dkr.ecr.eu-isoe-west-1.cloud.adc-e.uk`],
    [ACCOUNT, 'us-isof-south-1', 'aws-iso-f', `${ACCOUNT}.dkr.ecr.us-isof-south-1.csp.hci.ic.gov`],
    [ACCOUNT, 'eusc-de-east-1', 'aws-eusc', `${ACCOUNT}.dkr.ecr.eusc-de-east-1.amazonaws.eu`],
  ])('%s in %s', (item, region, partition, host) => {
    expect(accept(item, region)).toEqual({
      kind: 'private',
      item,
      account: item,
      region,
      partition,
      fips: false,
      dualStack: false,
      host,
      namedHost: false,
    });
  });

  it.each([undefined, '', '   '])(
    'without a default region (%j) names all three region sources',
    (region) => {
      const problem = reject(ACCOUNT, region);
      expect(problem.item).toBe(`"${ACCOUNT}"`);
      expect(problem.reason).toMatch(/needs a region/);
      expect(problem.reason).toContain('`region` input');
      expect(problem.reason).toContain('AWS_REGION');
      expect(problem.reason).toContain('AWS_DEFAULT_REGION');
    },
  );

  it('rejects an invalid default region', () => {
    expect(reject(ACCOUNT, 'mars-1').reason).toMatch(/default region "mars-1" is not an AWS region/);
  });

  it('trims and lower-cases the default region', () => {
    expect(accept(ACCOUNT, ' US-WEST-2 ')).toMatchObject({
      region: 'us-west-2',
      host: STD.replace('us-east-1', 'us-west-2'),
    });
  });

  it('explains the YAML dropped-zero trap for 11 digits', () => {
    const { reason } = reject('12345678901', 'us-east-1');
    expect(reason).toContain('this has 11');
    expect(reason).toContain('YAML');
    expect(reason).toContain('012345678901 into 12345678901');
    expect(reason).toMatch(/leading zero/);
    expect(reason).toMatch(/quote/);
  });

  it.each([
    ['1234567890123', 13],
    ['1234567', 7],
    ['1', 1],
    ['00001234567890123456', 20],
  ])('rejects %s (%i digits)', (item, digits) => {
    expect(reject(item, 'us-east-1').reason).toContain(`exactly 12 digits, this has ${digits}`);
  });
});

describe('public registries', () => {
  it.each<[string, 'public.ecr.aws' | 'ecr-public.aws.com', boolean]>([
    ['public.ecr.aws', 'public.ecr.aws', false],
    ['ecr-public.aws.com', 'ecr-public.aws.com', true],
    ['PUBLIC.ECR.AWS', 'public.ecr.aws', false],
    ['https://public.ecr.aws/', 'public.ecr.aws', false],
    ['public.ecr.aws/alias/repo:tag', 'public.ecr.aws', false],
    ['https://public.ecr.aws/docker/library/nginx:1.27-alpine', 'public.ecr.aws', false],
    [`public.ecr.aws/alias/repo@${DIGEST}`, 'public.ecr.aws', false],
    ['ecr-public.aws.com/alias/repo', 'ecr-public.aws.com', true],
  ])('%s', (item, host, dualStack) => {
    expect(accept(item)).toEqual({ kind: 'public', item, host, dualStack });
  });
});

describe('URI forms of a private registry', () => {
  it.each([
    `https://${STD}`,
    `https://${STD}/`,
    `${STD}/`,
    `${STD}/app`,
    `${STD}/team/app`,
    `${STD}/team/app:1.2`,
    `${STD}/team/app@${DIGEST}`,
    `${STD}/team/app:1.2@${DIGEST}`,
    `${STD}/docker-hub/library/nginx:latest`,
    `${STD}/my_team/my-app.v2:_Tag.1-x`,
    `${STD}/a/${'b'.repeat(200)}:${'t'.repeat(128)}`,
    `HTTPS://${STD.toUpperCase()}/Team/App:V1`,
    `hTTps://${STD}/app`,
  ])('%s has host %s', (item) => {
    expect(accept(item)).toEqual({
      kind: 'private',
      item,
      account: ACCOUNT,
      region: 'us-east-1',
      partition: 'aws',
      fips: false,
      dualStack: false,
      host: STD,
      namedHost: true,
    });
  });

  it('keeps the dual-stack host of a URI', () => {
    expect(accept(`https://${ACCOUNT}.DKR-ECR.us-west-2.ON.AWS/app:1`)).toMatchObject({
      host: `${ACCOUNT}.dkr-ecr.us-west-2.on.aws`,
      dualStack: true,
      fips: false,
    });
  });

  it('trims whitespace around an item and keeps the item as written', () => {
    expect(accept(`  \t${STD.toUpperCase()}/App \n`)).toMatchObject({
      item: `${STD.toUpperCase()}/App`,
      host: STD,
    });
  });
});

describe('rejections', () => {
  it.each<[string, RegExp]>([
    // look-alikes from ecr-hosts.md
    [`${STD}.evil.example`, /unknown domain "amazonaws\.com\.evil\.example"/],
    [`${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.comxcn`, /unknown domain "amazonaws\.comxcn"/],
    ['notpublic.ecr.aws.evil.example', /not ECR Public/],
    ['public.ecr.aws.evil.example', /not ECR Public/],
    ['evil.public.ecr.aws', /not ECR Public/],
    ['ecr-public.aws.com.evil.example/x', /not ECR Public/],
    // unknown suffixes and garbage
    [`${ACCOUNT}.dkr.ecr.us-east-1.example.com`, /unknown domain "example\.com"/],
    [`${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.co`, /unknown domain/],
    [`${ACCOUNT}.dkr.ecr.us-east-1.aws`, /unknown domain/],
    [`${ACCOUNT}.ecr.us-east-1.amazonaws.com`, /not an ECR registry/],
    ['registry.example.com', /not an ECR registry/],
    ['docker.io/library/nginx', /not an ECR registry/],
    ['ecr', /not an ECR registry/],
    ['1234-5678-9012', /not an ECR registry/],
    // account label
    [`12345678901.dkr.ecr.us-east-1.amazonaws.com`, /exactly 12 digits, this has 11/],
    [`1234567890123.dkr.ecr.us-east-1.amazonaws.com`, /exactly 12 digits, this has 13/],
    [`abcdefghijkl.dkr.ecr.us-east-1.amazonaws.com`, /"abcdefghijkl" is not a 12-digit account ID/],
    // empty labels and regions
    [`${ACCOUNT}.dkr.ecr..amazonaws.com`, /empty label/],
    [`${ACCOUNT}..dkr.ecr.us-east-1.amazonaws.com`, /empty label/],
    [`${STD}.`, /empty label/],
    [`.${STD}`, /empty label/],
    [`${ACCOUNT}.dkr.ecr.useast1.amazonaws.com`, /"useast1" is not an AWS region/],
    // region of another partition than the suffix
    [`${ACCOUNT}.dkr.ecr.cn-north-1.amazonaws.com`, /partition aws-cn.*amazonaws\.com\.cn/],
    [`${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com.cn`, /partition aws, .*not amazonaws\.com\.cn/],
    [`${ACCOUNT}.dkr.ecr.us-gov-west-1.amazonaws.com.cn`, /partition aws-us-gov/],
    [`${ACCOUNT}.dkr.ecr.us-iso-east-1.amazonaws.com`, /partition aws-iso, .*c2s\.ic\.gov/],
    [`${ACCOUNT}.dkr.ecr.eusc-de-east-1.amazonaws.com`, /partition aws-eusc, .*amazonaws\.eu/],
    [`${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.eu`, /partition aws, .*not amazonaws\.eu/],
    [`${ACCOUNT}.dkr.ecr.us-isob-east-1.c2s.ic.gov`, /partition aws-iso-b/],
    [`${ACCOUNT}.dkr.ecr.us-iso-east-1.sc2s.sgov.gov`, /partition aws-iso,/],
    [`${ACCOUNT}.dkr.ecr.us-east-1.cloud.adc-e.uk`, /partition aws,/],
    [`${ACCOUNT}.dkr.ecr.us-iso-east-1.csp.hci.ic.gov`, /partition aws-iso,/],
    [`${ACCOUNT}.dkr-ecr.cn-north-1.on.aws`, /partition aws-cn/],
    [`${ACCOUNT}.dkr-ecr.us-east-1.on.amazonwebservices.com.cn`, /partition aws,/],
    // FIPS outside its six regions
    [`${ACCOUNT}.dkr.ecr-fips.eu-west-1.amazonaws.com`, /FIPS endpoints exist only in .*not in eu-west-1/],
    [`${ACCOUNT}.dkr-ecr-fips.eu-central-1.on.aws`, /FIPS .*not in eu-central-1/],
    [`${ACCOUNT}.dkr.ecr-fips.cn-north-1.amazonaws.com.cn`, /FIPS .*not in cn-north-1/],
    [`${ACCOUNT}.dkr-ecr-fips.cn-north-1.on.amazonwebservices.com.cn`, /FIPS .*not in cn-north-1/],
    [`${ACCOUNT}.dkr.ecr-fips.us-iso-east-1.c2s.ic.gov`, /FIPS .*not in us-iso-east-1/],
    // dual-stack where it does not exist, or spelled for the wrong domain
    [`${ACCOUNT}.dkr-ecr.us-iso-east-1.c2s.ic.gov`, /aws-iso has no dual-stack/],
    [`${ACCOUNT}.dkr-ecr.us-isob-east-1.sc2s.sgov.gov`, /aws-iso-b has no dual-stack/],
    [`${ACCOUNT}.dkr-ecr.eu-isoe-west-1.cloud.adc-e.uk`, /aws-iso-e has no dual-stack/],
    [`${ACCOUNT}.dkr-ecr.us-isof-south-1.csp.hci.ic.gov`, /aws-iso-f has no dual-stack/],
    [`${ACCOUNT}.dkr-ecr.eusc-de-east-1.amazonaws.eu`, /aws-eusc has no dual-stack/],
    [`${ACCOUNT}.dkr-ecr.us-east-1.amazonaws.com`, /dual-stack hosts \(dkr-ecr\) end in on\.aws/],
    [`${ACCOUNT}.dkr-ecr.cn-north-1.amazonaws.com.cn`, /end in on\.amazonwebservices\.com\.cn/],
    [`${ACCOUNT}.dkr.ecr.us-east-1.on.aws`, /hosts on on\.aws are spelled dkr-ecr/],
    [`${ACCOUNT}.dkr.ecr-fips.us-east-1.on.aws`, /spelled dkr-ecr/],
    // schemes, ports, query, fragment
    [`http://${STD}`, /only https:\/\/ may precede the host, not "http:\/\/"/],
    [`docker://${STD}/app`, /only https:\/\//],
    [`oci://public.ecr.aws/a/b`, /only https:\/\//],
    [`${STD}:443`, /port/],
    [`https://${STD}:443/app`, /port/],
    ['public.ecr.aws:443', /port/],
    ['public.ecr.aws:latest', /':' may only start an image tag/],
    [`${STD}/app?tag=1`, /query string/],
    [`${STD}#frag`, /fragment/],
    // account IDs with decoration, missing hosts
    [`${ACCOUNT}/app`, /account ID stands alone/],
    [`https://${ACCOUNT}`, /account ID stands alone/],
    ['https://', /no registry host/],
    ['https:///app', /no registry host/],
    ['/app', /no registry host/],
    // whitespace, control and non-ASCII characters inside an item
    ['123 456789012', /whitespace/],
    [`${STD}\t/app`, /whitespace/],
    [`${STD}\u0000`, /control characters/],
    [`${STD}\u200b`, /control characters/],
    [`${ACCOUNT}.dkr.ecr.us-east-1.\u0430mazonaws.com`, /non-ASCII/],
    // image paths
    [`${STD}//app`, /empty segment/],
    [`${STD}/app/`, /empty segment/],
    [`${STD}/:tag`, /empty segment/],
    [`${STD}/@${DIGEST}`, /empty segment/],
    [`${STD}/app!`, /"app!" is not a valid repository path segment/],
    [`${STD}/-app`, /"-app" is not a valid repository path segment/],
    [`${STD}/a:b/c`, /"a:b" is not a valid repository path segment/],
    [`${STD}/app:`, /image tag "" is not valid/],
    [`${STD}/app:-bad`, /image tag "-bad" is not valid/],
    [`${STD}/app:a:b`, /image tag "a:b" is not valid/],
    [`${STD}/app:${'t'.repeat(129)}`, /image tag .* is not valid/],
    [`${STD}/app@sha256:abc`, /digest after @ must be sha256:/],
    [`${STD}/app@${DIGEST.toUpperCase()}`, /digest after @ must be sha256:/],
    [`${STD}/app@${DIGEST}@${DIGEST}`, /digest after @/],
    [`${STD}/app@${DIGEST}:tag`, /digest after @/],
  ])('%s', (item, reason) => {
    expect(reject(item, 'us-east-1').reason).toMatch(reason);
  });

  it('rejects an empty item', () => {
    expect(reject('   ')).toEqual({ item: '""', reason: 'the item is empty' });
  });
});

describe('display of bad items', () => {
  it.each([
    [`https://AKIAUSER:s3cr3tP4ss@${STD}`, `"https://***@${STD}"`],
    [`AWS:s3cr3tP4ss@${STD}/app:1`, `"***@${STD}/app:1"`],
    ['https://u:s3cr3t/P@ss@public.ecr.aws/a/b:1', '"https://***@public.ecr.aws/a/b:1"'],
    [`https://u:s3cr3tP4ss@${STD} x`, `"https://***@${STD} x"`],
    [`ftp://u:s3cr3tP4ss@${STD}`, `"ftp://***@${STD}"`],
    [`https://u:s3cr3tP4ss@${STD}:443?x#y`, `"https://***@${STD}:443?x#y"`],
  ])('redacts the userinfo of %s', (item, shown) => {
    const result = parseRegistryItem(item);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problem.item).toBe(shown);
    expect(result.problem.item).not.toMatch(/s3cr3t/);
    expect(result.problem.reason).not.toMatch(/s3cr3t|P4ss|AKIA/);
  });

  it('says why credentials are refused', () => {
    expect(reject(`https://user:pass@${STD}`).reason).toMatch(/credentials/);
  });

  it.each([
    ['a\u001bb', '"a\\u001bb"'],
    ['a\nb', '"a\\nb"'],
    ['a\u2028b', '"a\\u2028b"'],
    ['\u0430bc', '"\\u0430bc"'],
    ['a"b', '"a\\"b"'],
  ])('escapes %j', (item, shown) => {
    expect(reject(item).item).toBe(shown);
  });

  it('cuts a long item to 80 characters', () => {
    const item = `${'x'.repeat(100)}.example`;
    expect(reject(item).item).toBe(`"${'x'.repeat(80)}"…`);
  });
});

describe('parseRegistryList', () => {
  it('splits on commas, newlines and CRLF, trimming and skipping blanks', () => {
    const text = ` ${ACCOUNT} ,\r\n\n,public.ecr.aws\r\n  ${ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com,,\n`;
    const { registries, problems } = parseRegistryList(text, 'us-east-1');
    expect(problems).toEqual([]);
    expect(registries.map((r) => r.host)).toEqual([
      STD,
      'public.ecr.aws',
      `${ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com`,
    ]);
  });

  it('returns nothing for an empty list', () => {
    expect(parseRegistryList(' \n , \r\n')).toEqual({ registries: [], problems: [] });
  });

  it('merges items naming the same login host, first seen wins', () => {
    const text = [
      ACCOUNT,
      `${STD}/app:1`,
      `https://${STD.toUpperCase()}/`,
      `${ACCOUNT}.dkr-ecr.us-east-1.on.aws`,
      `${ACCOUNT}.dkr-ecr.us-east-1.on.aws/app@${DIGEST}`,
      'public.ecr.aws/a/b',
      'PUBLIC.ECR.AWS',
      'ecr-public.aws.com',
    ].join('\n');
    const { registries, problems } = parseRegistryList(text, 'us-east-1');
    expect(problems).toEqual([]);
    expect(registries.map((r) => [r.item, r.host])).toEqual([
      [ACCOUNT, STD],
      [`${ACCOUNT}.dkr-ecr.us-east-1.on.aws`, `${ACCOUNT}.dkr-ecr.us-east-1.on.aws`],
      ['public.ecr.aws/a/b', 'public.ecr.aws'],
      ['ecr-public.aws.com', 'ecr-public.aws.com'],
    ]);
  });

  it('keeps a bare account in another default region apart from a named host', () => {
    const { registries } = parseRegistryList(`${ACCOUNT}, ${STD}`, 'eu-west-1');
    expect(registries.map((r) => r.host)).toEqual([`${ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com`, STD]);
  });

  it('reports every bad item, in order, next to the good ones', () => {
    const text = `12345678901, ${STD}, http://${STD}\nhttps://me:hunter2@${STD}\n${STD}.evil.example, public.ecr.aws`;
    const { registries, problems } = parseRegistryList(text, 'us-east-1');
    expect(registries.map((r) => r.host)).toEqual([STD, 'public.ecr.aws']);
    expect(problems.map((p) => p.item)).toEqual([
      '"12345678901"',
      `"http://${STD}"`,
      `"https://***@${STD}"`,
      `"${STD}.evil.example"`,
    ]);
    expect(JSON.stringify(problems)).not.toContain('hunter2');
  });

  it('reports bare account IDs when no default region is known', () => {
    const { registries, problems } = parseRegistryList(`${ACCOUNT}\n${STD}\n012345678901`);
    expect(registries.map((r) => r.host)).toEqual([STD]);
    expect(problems.map((p) => p.item)).toEqual([`"${ACCOUNT}"`, '"012345678901"']);
    expect(problems.every((p) => /needs a region/.test(p.reason))).toBe(true);
  });
});
