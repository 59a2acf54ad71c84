// One partition list (registry.ts PARTITIONS): every rule built on it covers each partition, and the
// registry hosts we derive agree with the AWS SDK's own partition data (through its endpoint rules).
import { beforeAll, describe, expect, it } from 'vitest';
import { parseSettings } from '../../src/action/inputs.js';
import { ECR } from '../../src/ecr/aws-env.js';
import { PARTITIONS, type Partition, parseRegistryItem, partitionOfRegion } from '../../src/ecr/registry.js';
import { endpointFor } from '../../src/ecr/token-api.js';
import { loadAction } from '../support/runner.js';

const ACCOUNT = '123456789012';
const REGION_IN: Record<Partition, string> = {
  aws: 'eu-west-1',
  'aws-cn': 'cn-north-1',
  'aws-us-gov': 'us-gov-west-1',
  'aws-iso': 'us-iso-east-1',
  'aws-iso-b': 'us-isob-east-1',
  'aws-iso-e': 'eu-isoe-west-1',
  'aws-iso-f': 'us-isof-south-1',
  'aws-eusc': 'eusc-de-east-1',
};

let defaults: Record<string, string> = {};
beforeAll(async () => {
  const action = await loadAction();
  defaults = Object.fromEntries(Object.entries(action.inputs).map(([n, spec]) => [n, spec.default ?? '']));
});

describe.each(PARTITIONS)('partition %s', (partition) => {
  const region = REGION_IN[partition];

  it('its regions are recognised as its own', () => {
    expect(partitionOfRegion(region)).toBe(partition);
  });

  it('a bare account ID becomes a registry host on the DNS suffix the SDK uses for the partition', async () => {
    const parsed = parseRegistryItem(ACCOUNT, region);
    if (!parsed.ok || parsed.registry.kind !== 'private') throw new Error('not a private registry');
    const api = new URL(await endpointFor(ECR, region, false, {})).host;
    expect(parsed.registry.partition).toBe(partition);
    expect(parsed.registry.host).toBe(`${ACCOUNT}.dkr.ecr.${api.slice(api.indexOf(region))}`);
  });

  it('registry-roles accepts a role ARN of the partition for a registry in it', () => {
    const inputs: Record<string, string> = {
      ...defaults,
      registries: ACCOUNT,
      region,
      'registry-roles': `${ACCOUNT}=arn:${partition}:iam::${ACCOUNT}:role/ecr-pull`,
    };
    const plan = parseSettings((name) => inputs[name] ?? '', {});
    expect([...plan.roles.values()]).toEqual([`arn:${partition}:iam::${ACCOUNT}:role/ecr-pull`]);
  });
});

it('a partition missing from the list is refused in a role ARN', () => {
  const inputs: Record<string, string> = {
    ...defaults,
    registries: ACCOUNT,
    region: 'eu-west-1',
    'registry-roles': `${ACCOUNT}=arn:aws-xx:iam::${ACCOUNT}:role/ecr-pull`,
  };
  expect(() => parseSettings((name) => inputs[name] ?? '', {})).toThrow(/is not an IAM role ARN/);
});
