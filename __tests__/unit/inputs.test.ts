import { beforeAll, describe, expect, it } from 'vitest';
import { InputError, LIMITS, parseSettings } from '../../src/action/inputs.js';
import type { Settings } from '../../src/action/types.js';
import { planTokens } from '../../src/ecr/token-plan.js';
import { loadAction } from '../support/runner.js';

const A = '111111111111';
const B = '222222222222';
const HOST_A = `${A}.dkr.ecr.us-east-1.amazonaws.com`;
const ROLE_A = `arn:aws:iam::${A}:role/ecr-pull`;

let defaults: Record<string, string> = {};

beforeAll(async () => {
  const action = await loadAction();
  defaults = Object.fromEntries(
    Object.entries(action.inputs).map(([name, spec]) => [name, spec.default ?? '']),
  );
});

/** Inputs as the runner hands them over: action.yml defaults, overridden by `with`. */
function reader(inputs: Record<string, string>, useDefaults = true) {
  const all = { ...(useDefaults ? defaults : {}), ...inputs };
  const asked: string[] = [];
  const read = (name: string) => {
    asked.push(name);
    return all[name] ?? '';
  };
  return { read, asked };
}

function ok(inputs: Record<string, string>, env: NodeJS.ProcessEnv = { AWS_REGION: 'us-east-1' }): Settings {
  return parseSettings(reader(inputs).read, env);
}

function problems(
  inputs: Record<string, string>,
  env: NodeJS.ProcessEnv = { AWS_REGION: 'us-east-1' },
): string[] {
  try {
    parseSettings(reader(inputs).read, env);
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return (e as InputError).problems;
  }
  throw new Error('parseSettings accepted the inputs');
}

describe('defaults', () => {
  it('action.yml declares the inputs parseSettings reads, and nothing else', () => {
    const { read, asked } = reader({});
    parseSettings(read, { AWS_REGION: 'us-east-1' });
    expect([...new Set(asked)].sort()).toEqual(Object.keys(defaults).sort());
  });

  it('log in to the default registry in the environment’s region', () => {
    const plan = ok({});
    expect(planTokens(plan)).toEqual([
      {
        kind: 'private',
        partition: 'aws',
        region: 'us-east-1',
        fips: false,
        registryIds: [],
        registries: [],
      },
    ]);
    expect(plan).toEqual<Settings>({
      registries: [],
      region: 'us-east-1',
      maskPassword: true,
      skipLogout: false,
      httpProxy: undefined,
      maxAttempts: 5,
      apiTimeoutSeconds: 30,
      isolateConfig: false,
      loginMethod: 'auto',
      roles: new Map(),
      profiles: new Map(),
      aliases: [],
    });
  });

  it('are the same when a harness passes no inputs at all', () => {
    expect(parseSettings(reader({}, false).read, { AWS_REGION: 'us-east-1' })).toEqual(ok({}));
  });

  it('default registry in a China region is in partition aws-cn', () => {
    expect(planTokens(ok({}, { AWS_REGION: 'cn-north-1' }))).toEqual([
      {
        kind: 'private',
        partition: 'aws-cn',
        region: 'cn-north-1',
        fips: false,
        registryIds: [],
        registries: [],
      },
    ]);
  });
});

describe('booleans (YAML 1.2 core schema)', () => {
  it.each(['true', 'True', 'TRUE'])('%s is true', (value) => {
    const plan = ok({ 'mask-password': 'false', 'skip-logout': value, 'isolate-config': value });
    expect([plan.skipLogout, plan.isolateConfig]).toEqual([true, true]);
  });

  it.each(['false', 'False', 'FALSE'])('%s is false', (value) => {
    expect(ok({ 'mask-password': value }).maskPassword).toBe(false);
  });

  it.each(['yes', 'no', 'maybe', '1', '0', 'on', 'tRUE', 'true '])(
    '%j is refused, naming the input',
    (value) => {
      expect(problems({ 'skip-logout': value })).toEqual([
        `Input \`skip-logout\` must be true or false, got ${JSON.stringify(value)}.`,
      ]);
    },
  );
});

describe('registry-type', () => {
  it('public with no registries logs in to ECR Public in us-east-1, needing no region', () => {
    const plan = ok({ 'registry-type': 'public' }, {});
    expect(plan.registries.map((r) => r.host)).toEqual(['public.ecr.aws']);
    expect(planTokens(plan)).toEqual([{ kind: 'public', region: 'us-east-1', registries: plan.registries }]);
    expect(plan.region).toBeUndefined();
  });

  it('public refuses a private item', () => {
    expect(problems({ 'registry-type': 'public', registries: `public.ecr.aws, ${HOST_A}` })).toEqual([
      `Input \`registries\`: "${HOST_A}" is a private registry but \`registry-type\` is public; ` +
        'drop `registry-type` (registries may mix public and private items).',
    ]);
  });

  it.each(['Public', 'ecr', ' '])('refuses %j', (value) => {
    expect(problems({ 'registry-type': value })).toEqual([
      `Input \`registry-type\` must be one of private, public, got ${JSON.stringify(value)}.`,
    ]);
  });
});

describe('region', () => {
  it.each<[string, string, NodeJS.ProcessEnv, string]>([
    [
      'the input wins',
      'eu-west-1',
      { AWS_REGION: 'us-east-2', AWS_DEFAULT_REGION: 'us-west-2' },
      'eu-west-1',
    ],
    ['then AWS_REGION', '', { AWS_REGION: 'us-east-2', AWS_DEFAULT_REGION: 'us-west-2' }, 'us-east-2'],
    ['then AWS_DEFAULT_REGION', '', { AWS_DEFAULT_REGION: 'us-west-2' }, 'us-west-2'],
    ['a blank variable is skipped', '', { AWS_REGION: '  ', AWS_DEFAULT_REGION: 'us-west-2' }, 'us-west-2'],
    ['a variable is trimmed', '', { AWS_REGION: ' ap-south-1 ' }, 'ap-south-1'],
  ])('%s', (_, input, env, region) => {
    const plan = ok({ region, registries: A }, env);
    expect(ok({ region: input, registries: A }, env).region).toBe(region);
    expect(plan.registries[0]?.host).toBe(`${A}.dkr.ecr.${region}.amazonaws.com`);
  });

  it.each<[string, string, NodeJS.ProcessEnv, string]>([
    ['the input', 'US-EAST-1', {}, 'Input `region` is not an AWS region (like us-east-1): "US-EAST-1".'],
    [
      'AWS_REGION',
      '',
      { AWS_REGION: 'useast1', AWS_DEFAULT_REGION: 'us-east-1' },
      'AWS_REGION is not an AWS region (like us-east-1): "useast1".',
    ],
    [
      'AWS_DEFAULT_REGION',
      '',
      { AWS_DEFAULT_REGION: 'moon-1' },
      'AWS_DEFAULT_REGION is not an AWS region (like us-east-1): "moon-1".',
    ],
  ])('an invalid region from %s is named with its source', (_, input, env, message) => {
    expect(problems({ region: input, registries: HOST_A }, env)).toEqual([message]);
  });

  it('a missing region for the default registry names all three sources', () => {
    expect(problems({}, {})).toEqual([
      'No region for the default registry: set the `region` input, AWS_REGION or AWS_DEFAULT_REGION, or list registries by host.',
    ]);
  });

  it('is not needed when every registry is a host', () => {
    const plan = ok({ registries: `${HOST_A}\n${B}.dkr.ecr.eu-west-1.amazonaws.com` }, {});
    expect(plan.region).toBeUndefined();
    expect(planTokens(plan).map((r) => r.region)).toEqual(['us-east-1', 'eu-west-1']);
  });

  it('a bare account ID without any region is refused', () => {
    const [problem] = problems({ registries: A }, {});
    expect(problem).toMatch(
      /^Input `registries`: "111111111111": a bare account ID needs a region: set the `region` input, AWS_REGION or AWS_DEFAULT_REGION/,
    );
  });
});

describe('numbers', () => {
  it.each<[string, string, number]>([
    ['max-attempts', '1', 1],
    ['max-attempts', '10', 10],
    ['max-attempts', '007', 7],
    ['api-timeout-seconds', '1', 1],
    ['api-timeout-seconds', '300', 300],
  ])('%s %j → %i', (name, value, n) => {
    const plan = ok({ [name]: value });
    expect(name === 'max-attempts' ? plan.maxAttempts : plan.apiTimeoutSeconds).toBe(n);
  });

  it.each<[string, string, number]>([
    ['max-attempts', '0', LIMITS.maxAttempts],
    ['max-attempts', '11', LIMITS.maxAttempts],
    ['max-attempts', '-1', LIMITS.maxAttempts],
    ['max-attempts', '2.5', LIMITS.maxAttempts],
    ['max-attempts', 'five', LIMITS.maxAttempts],
    ['max-attempts', '1e1', LIMITS.maxAttempts],
    ['api-timeout-seconds', '0', LIMITS.apiTimeoutSeconds],
    ['api-timeout-seconds', '301', LIMITS.apiTimeoutSeconds],
    ['api-timeout-seconds', '0x10', LIMITS.apiTimeoutSeconds],
  ])('%s %j is refused with its bounds', (name, value, max) => {
    expect(problems({ [name]: value })).toEqual([
      `Input \`${name}\` must be a whole number from 1 to ${max}, got ${JSON.stringify(value)}.`,
    ]);
  });

  it('bounds are 10 attempts and 300 seconds', () => {
    expect([LIMITS.maxAttempts, LIMITS.apiTimeoutSeconds]).toEqual([10, 300]);
  });
});

describe('login-method', () => {
  it.each(['auto', 'docker', 'config-file', 'helper'] as const)('accepts %s', (method) => {
    expect(ok({ 'login-method': method }).loginMethod).toBe(method);
  });

  it('refuses helper with skip-logout: the helper lives in RUNNER_TEMP, which ends with the job', () => {
    expect(problems({ 'login-method': 'helper', 'skip-logout': 'true' })).toEqual([
      expect.stringMatching(/^Inputs `skip-logout: true` and `login-method: helper` do not go together/),
    ]);
  });

  it.each(['Docker', 'file', 'config_file', 'cli'])('refuses %j', (value) => {
    expect(problems({ 'login-method': value })).toEqual([
      `Input \`login-method\` must be one of auto, docker, config-file, helper, got ${JSON.stringify(value)}.`,
    ]);
  });
});

describe('http-proxy', () => {
  it.each([
    'http://proxy.example:3128',
    'https://proxy.example',
    'http://user:s3cr3t@proxy.example:3128',
    'http://10.0.0.1:8080/',
  ])('accepts %s as given', (url) => {
    expect(ok({ 'http-proxy': url }).httpProxy).toBe(url);
  });

  it.each([
    ['socks5://proxy.example:1080', '"socks5://proxy.example:1080"'],
    ['proxy.example:3128', '"proxy.example:3128"'],
    ['http://proxy.example:3128/path', '"http://proxy.example:3128/path"'],
    ['http://proxy.example:3128?x=1', '"http://proxy.example:3128?x=1"'],
    ['not a url', '"not a url"'],
    ['http://', '"http://"'],
  ])('refuses %s', (value, shown) => {
    expect(problems({ 'http-proxy': value })).toEqual([
      `Input \`http-proxy\` must be a proxy URL like http://proxy.example:3128, got ${shown}.`,
    ]);
  });

  it.each([
    ['a path', 'http://user:s3cr3t-pw@proxy.example:3128/x'],
    ['a bad scheme', 'socks5://user:s3cr3t-pw@proxy.example:1080'],
    ['no scheme', 'user:s3cr3t-pw@proxy.example:3128'],
    ['"/" in the password', 'http://user:s3cr3t-pw/x@proxy.example:3128'],
    ['"@" in the password', 'http://user:s3cr3t-pw@x@proxy.example:3128/p'],
    ['"#" in the password', 'http://user:s3cr3t-pw#x@proxy.example:3128'],
    ['a control character', 'http://user:s3cr3t-pw@proxy.example:3128\u0001'],
    ['a tab', 'http://user:s3cr3t-pw@proxy.exa\tmple:3128'],
  ])('never shows the password of a refused proxy URL with %s', (_, value) => {
    const found = problems({ 'http-proxy': value });
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/^Input `http-proxy` /);
    expect(found[0]).not.toContain('s3cr3t');
    expect(found[0]).toContain('***@proxy.exa');
  });
});

describe('registry-roles', () => {
  const regs = `${A}\n${B}.dkr.ecr.cn-north-1.amazonaws.com.cn\npublic.ecr.aws`;

  it('maps each item (account ID, host or URI) to its role and plans requests per role', () => {
    const plan = ok({
      registries: `${A}, ${B}`,
      'registry-roles': ` ${A} = ${ROLE_A} \n\n${B}.dkr.ecr.us-east-1.amazonaws.com/app:1=arn:aws:iam::${B}:role/other`,
    });
    expect([...plan.roles]).toEqual([
      [HOST_A, ROLE_A],
      [`${B}.dkr.ecr.us-east-1.amazonaws.com`, `arn:aws:iam::${B}:role/other`],
    ]);
    expect(
      planTokens(plan).map((r) => [r.region, r.role, r.kind === 'private' ? r.registryIds : []]),
    ).toEqual([
      ['us-east-1', ROLE_A, [A]],
      ['us-east-1', `arn:aws:iam::${B}:role/other`, [B]],
    ]);
  });

  it('accepts a role name holding "=" and a path', () => {
    const arn = `arn:aws:iam::${A}:role/team/ci=pull,x@y.z`;
    expect([...ok({ registries: A, 'registry-roles': `${A}=${arn}` }).roles]).toEqual([[HOST_A, arn]]);
  });

  it('accepts a role for the public registry in partition aws, and CRLF lines', () => {
    const plan = ok({ registries: `public.ecr.aws, ${A}`, 'registry-roles': `public.ecr.aws=${ROLE_A}\r\n` });
    expect([...plan.roles]).toEqual([['public.ecr.aws', ROLE_A]]);
    expect(planTokens(plan).find((r) => r.kind === 'public')?.role).toBe(ROLE_A);
  });

  it.each<[string, string]>([
    ['no-equals-sign', 'Input `registry-roles`: "no-equals-sign" is not ITEM=ROLE_ARN.'],
    [`=${ROLE_A}`, `Input \`registry-roles\`: "=${ROLE_A}" is not ITEM=ROLE_ARN.`],
    [`${A}=`, `Input \`registry-roles\`: "${A}=" is not ITEM=ROLE_ARN.`],
    [
      `${A}=arn:aws:iam::${A}:user/bob`,
      `Input \`registry-roles\`: "${A}=arn:aws:iam::${A}:user/bob": "arn:aws:iam::${A}:user/bob" is not an IAM role ARN (arn:aws:iam::123456789012:role/name).`,
    ],
    [
      `${A}=arn:aws:iam::12345:role/x`,
      `Input \`registry-roles\`: "${A}=arn:aws:iam::12345:role/x": "arn:aws:iam::12345:role/x" is not an IAM role ARN (arn:aws:iam::123456789012:role/name).`,
    ],
    [
      `333333333333=${ROLE_A}`,
      `Input \`registry-roles\`: "333333333333=${ROLE_A}": account 333333333333 has no registry listed in \`registries\` (listed accounts: ${A}, ${B}).`,
    ],
    [
      `12345=${ROLE_A}`,
      `Input \`registry-roles\`: "12345=${ROLE_A}": "12345" does not name a registry listed in \`registries\`.`,
    ],
    [
      `not-a-registry=${ROLE_A}`,
      `Input \`registry-roles\`: "not-a-registry=${ROLE_A}": "not-a-registry" does not name a registry listed in \`registries\`.`,
    ],
    [
      `${B}.dkr.ecr.cn-north-1.amazonaws.com.cn=arn:aws:iam::${B}:role/r`,
      // Long entries are cut at 80 characters in the message.
      `Input \`registry-roles\`: "${B}.dkr.ecr.cn-north-1.amazonaws.com.cn=arn:aws:iam::${B}:role/"…: the role is in partition aws but the registry is in aws-cn.`,
    ],
    [
      `public.ecr.aws=arn:aws-cn:iam::${A}:role/r`,
      `Input \`registry-roles\`: "public.ecr.aws=arn:aws-cn:iam::${A}:role/r": the role is in partition aws-cn but the registry is in aws.`,
    ],
  ])('refuses %j', (line, message) => {
    expect(problems({ registries: regs, 'registry-roles': line })).toEqual([message]);
  });

  it('refuses a second role for the same registry or account, however it is written', () => {
    expect(
      problems({
        registries: A,
        'registry-roles': [
          `${A}=${ROLE_A}`,
          `${A}=arn:aws:iam::${A}:role/b`,
          `${HOST_A}=${ROLE_A}`,
          `https://${HOST_A}/app=${ROLE_A}`,
        ].join('\n'),
      }),
    ).toEqual([
      `Input \`registry-roles\`: "${A}=arn:aws:iam::${A}:role/b": account ${A} already has a role.`,
      `Input \`registry-roles\`: "https://${HOST_A}/app=arn:aws:iam::${A.slice(0, 10)}"…: ${HOST_A} already has a role.`,
    ]);
  });
});

describe('control characters, lengths and counts', () => {
  it.each<[string, string]>([
    ['region', 'us-east-1\u0000'],
    ['mask-password', 'tr\u001bue'],
    ['registries', `${A}\u0007`],
    ['registry-roles', `${A}=${ROLE_A}\u007f`],
    ['login-method', 'au\tto'],
  ])('refuses a control character in %s', (name, value) => {
    const shown = JSON.stringify(value).replace(/\u007f/g, '\\u007f');
    expect(problems({ registries: A, [name]: value })).toEqual([
      `Input \`${name}\` contains a control character: ${shown}.`,
    ]);
  });

  it('allows newlines, CR and tabs in the list inputs', () => {
    const plan = ok({ registries: `${A},\r\n\t${B}\n`, 'registry-roles': `\t${A}=${ROLE_A}\r\n` });
    expect(plan.registries.map((r) => r.host)).toEqual([HOST_A, `${B}.dkr.ecr.us-east-1.amazonaws.com`]);
    expect(plan.roles.get(HOST_A)).toBe(ROLE_A);
  });

  it('refuses a value over the length limit without quoting it', () => {
    const long = `${A},`.repeat(Math.ceil((LIMITS.valueLength + 1) / 13)).slice(0, LIMITS.valueLength + 1);
    expect(problems({ registries: long })).toEqual([
      `Input \`registries\` is ${LIMITS.valueLength + 1} characters long; at most ${LIMITS.valueLength} are accepted.`,
    ]);
  });

  it('accepts 100 items and refuses 101', () => {
    const ids = (n: number) => Array.from({ length: n }, (_, i) => String(100_000_000_000 + i)).join('\n');
    const plan = ok({ registries: ids(100) });
    expect(plan.registries).toHaveLength(100);
    expect(planTokens(plan).map((r) => (r.kind === 'private' ? r.registryIds.length : 0))).toEqual(
      Array(10).fill(10),
    );
    expect(problems({ registries: ids(101) })).toEqual([
      'Input `registries` lists 101 items; at most 100 are accepted.',
    ]);
  });
});

describe('registries', () => {
  it('merges items that name one host and plans one request per region', () => {
    const plan = ok({
      registries: `${A}, ${HOST_A}, https://${HOST_A}/team/app:v1, ${B}.dkr.ecr.eu-west-1.amazonaws.com, public.ecr.aws/alias/x`,
    });
    expect(plan.registries.map((r) => r.host)).toEqual([
      HOST_A,
      `${B}.dkr.ecr.eu-west-1.amazonaws.com`,
      'public.ecr.aws',
    ]);
    expect(
      planTokens(plan).map((r) => [
        r.kind,
        r.region,
        r.kind === 'private' ? r.registryIds : r.registries.map((x) => x.host),
      ]),
    ).toEqual([
      ['private', 'us-east-1', [A]],
      ['private', 'eu-west-1', [B]],
      ['public', 'us-east-1', ['public.ecr.aws']],
    ]);
  });

  it('reports every bad item', () => {
    expect(problems({ registries: `${A}, 12345678901, evil.example` })).toEqual([
      expect.stringMatching(
        /^Input `registries`: "12345678901": an AWS account ID has exactly 12 digits, this has 11/,
      ),
      expect.stringMatching(/^Input `registries`: "evil\.example": is not an ECR registry/),
    ]);
  });
});

describe('all problems together', () => {
  it('reports every bad input at once, in one error', () => {
    let error: InputError | undefined;
    try {
      parseSettings(
        reader({
          region: 'mars-1',
          registries: 'nope',
          'mask-password': 'yes',
          'max-attempts': '0',
          'api-timeout-seconds': 'x',
          'login-method': 'ssh',
          'http-proxy': 'ftp://p',
          'registry-roles': 'broken',
          'isolate-config': 'maybe',
        }).read,
        {},
      );
    } catch (e) {
      error = e as InputError;
    }
    expect(error).toBeInstanceOf(InputError);
    expect(error?.problems).toEqual([
      'Input `region` is not an AWS region (like us-east-1): "mars-1".',
      expect.stringMatching(/^Input `registries`: "nope": is not an ECR registry/),
      'Input `registry-roles`: "broken" is not ITEM=ROLE_ARN.',
      'Input `mask-password` must be true or false, got "yes".',
      'Input `http-proxy` must be a proxy URL like http://proxy.example:3128, got "ftp://p".',
      'Input `max-attempts` must be a whole number from 1 to 10, got "0".',
      'Input `api-timeout-seconds` must be a whole number from 1 to 300, got "x".',
      'Input `isolate-config` must be true or false, got "maybe".',
      'Input `login-method` must be one of auto, docker, config-file, helper, got "ssh".',
    ]);
    expect(error?.message).toBe(`Invalid inputs:\n- ${error?.problems.join('\n- ')}`);
    expect(error?.name).toBe('InputError');
  });

  it('a single problem is the whole message', () => {
    const error = new InputError(['only one']);
    expect(error.message).toBe('only one');
  });
});
