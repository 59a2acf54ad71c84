// Malformed inputs: one row per way an input can be wrong, every input in action.yml. Each must fail the
// step with one error naming the input and the bad item, before any AWS call and without touching the docker
// config. __tests__/unit/main.test.ts runs every row through runMain; __tests__/e2e/bad-inputs.test.ts runs a
// few representative rows through the built bundle.

export const BAD_INPUT_ACCOUNT = '111111111111';
const ACCOUNT = BAD_INPUT_ACCOUNT;
const HOST = `${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com`;
const ROLE = `arn:aws:iam::${ACCOUNT}:role/ci-pull`;

export interface BadInputRow {
  name: string;
  /** Overrides of the valid baseline { registries: ACCOUNT, region: us-east-1 }. */
  inputs: Record<string, string>;
  env?: Record<string, string | undefined>;
  /** Every one of these must be in the error message (the input's name and the bad item, quoted). */
  expect: string[];
  /** None of these may be (secrets in the bad value). */
  absent?: string[];
}

const q = (s: string) => JSON.stringify(s);

export const BAD_INPUTS: BadInputRow[] = [
  // --- registries: the grammar -------------------------------------------------------------------
  {
    name: '11-digit account (YAML ate the 0)',
    inputs: { registries: '12345678901' },
    expect: ['`registries`', q('12345678901'), '12 digits', 'quote'],
  },
  {
    name: '13-digit account',
    inputs: { registries: '1234567890123' },
    expect: ['`registries`', q('1234567890123'), '12 digits'],
  },
  { name: 'letters for an account', inputs: { registries: 'abc' }, expect: ['`registries`', q('abc')] },
  {
    name: 'look-alike: .evil.example after the host',
    inputs: { registries: `${HOST}.evil.example` },
    expect: ['`registries`', q(`${HOST}.evil.example`)],
  },
  {
    name: 'look-alike: amazonaws.comxcn',
    inputs: { registries: `${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.comxcn` },
    expect: ['`registries`', q(`${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.comxcn`)],
  },
  {
    name: 'look-alike: notpublic.ecr.aws.evil.example',
    inputs: { registries: 'notpublic.ecr.aws.evil.example' },
    expect: ['`registries`', q('notpublic.ecr.aws.evil.example')],
  },
  {
    name: 'look-alike: public.ecr.aws.evil.example',
    inputs: { registries: 'public.ecr.aws.evil.example/a/b' },
    expect: ['`registries`', q('public.ecr.aws.evil.example/a/b'), 'public.ecr.aws'],
  },
  {
    name: 'empty region label',
    inputs: { registries: `${ACCOUNT}.dkr.ecr..amazonaws.com` },
    expect: ['`registries`', q(`${ACCOUNT}.dkr.ecr..amazonaws.com`), 'empty label'],
  },
  {
    name: 'not ECR (Docker Hub)',
    inputs: { registries: 'docker.io/library/nginx:1.27' },
    expect: ['`registries`', q('docker.io/library/nginx:1.27'), 'not an ECR registry'],
  },
  {
    name: 'http:// scheme',
    inputs: { registries: `http://${HOST}` },
    expect: ['`registries`', q(`http://${HOST}`), 'https://'],
  },
  {
    name: 'FIPS outside FIPS regions',
    inputs: { registries: `${ACCOUNT}.dkr.ecr-fips.eu-west-1.amazonaws.com` },
    expect: ['`registries`', q(`${ACCOUNT}.dkr.ecr-fips.eu-west-1.amazonaws.com`), 'FIPS'],
  },
  {
    name: 'dual-stack in an ISO partition',
    inputs: { registries: `${ACCOUNT}.dkr-ecr.us-iso-east-1.c2s.ic.gov` },
    expect: ['`registries`', q(`${ACCOUNT}.dkr-ecr.us-iso-east-1.c2s.ic.gov`), 'dual-stack'],
  },
  {
    name: 'China region on the .com domain',
    inputs: { registries: `${ACCOUNT}.dkr.ecr.cn-north-1.amazonaws.com` },
    expect: ['`registries`', q(`${ACCOUNT}.dkr.ecr.cn-north-1.amazonaws.com`), 'aws-cn'],
  },
  {
    name: 'a port on the host',
    inputs: { registries: `${HOST}:443` },
    expect: ['`registries`', q(`${HOST}:443`), 'port'],
  },
  {
    name: 'bad image tag',
    inputs: { registries: `${HOST}/app:bad!tag` },
    expect: ['`registries`', q(`${HOST}/app:bad!tag`), 'tag'],
  },
  {
    name: 'bad digest',
    inputs: { registries: `${HOST}/app@sha256:abc` },
    expect: ['`registries`', q(`${HOST}/app@sha256:abc`), 'sha256'],
  },
  {
    name: 'query string',
    inputs: { registries: `${HOST}/app?x=1` },
    expect: ['`registries`', q(`${HOST}/app?x=1`), 'query'],
  },
  {
    name: 'credentials in an item (redacted)',
    inputs: { registries: `user:s3cretPw@${HOST}` },
    expect: ['`registries`', `***@${HOST}`, 'credentials'],
    absent: ['s3cretPw'],
  },
  {
    name: 'non-ASCII look-alike letter',
    inputs: { registries: `${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.c\u03bfm` },
    expect: ['`registries`', '\\u03bf', 'non-ASCII'],
  },
  {
    name: 'one bad item among good ones',
    inputs: { registries: `${ACCOUNT}, bogus-item\n222222222222` },
    expect: ['`registries`', q('bogus-item')],
    absent: [q(ACCOUNT), q('222222222222')],
  },
  {
    name: 'over 100 items',
    inputs: { registries: Array.from({ length: 101 }, (_, i) => String(100000000000 + i)).join(',') },
    expect: ['`registries`', '101 items', '100'],
  },
  {
    name: 'control character (BEL)',
    inputs: { registries: `${ACCOUNT}\u0007` },
    expect: ['`registries`', 'control character', '\\u0007'],
  },
  {
    name: 'very long value',
    inputs: { registries: `${ACCOUNT},`.repeat(3300) },
    expect: ['`registries`', '42900 characters', '32768'],
  },
  {
    name: 'account ID without any region',
    inputs: { registries: ACCOUNT, region: '' },
    env: { AWS_REGION: undefined, AWS_DEFAULT_REGION: undefined },
    expect: ['`registries`', q(ACCOUNT), 'region'],
  },
  {
    name: 'default registry without any region',
    inputs: { registries: '', region: '' },
    env: { AWS_REGION: undefined, AWS_DEFAULT_REGION: undefined },
    expect: ['`region`', 'default registry'],
  },
  {
    name: 'private item with registry-type public',
    inputs: { registries: ACCOUNT, 'registry-type': 'public' },
    expect: ['`registries`', q(ACCOUNT), '`registry-type`'],
  },
  // --- registry-type ----------------------------------------------------------------------------
  {
    name: 'registry-type unknown',
    inputs: { 'registry-type': 'protected' },
    expect: ['`registry-type`', q('protected')],
  },
  {
    name: 'registry-type list',
    inputs: { 'registry-type': 'private,public' },
    expect: ['`registry-type`', q('private,public')],
  },
  // --- region -----------------------------------------------------------------------------------
  {
    name: 'region with a zone letter',
    inputs: { region: 'us-east-1a' },
    expect: ['`region`', q('us-east-1a')],
  },
  {
    name: 'region nonsense',
    inputs: { region: 'moon-base-alpha' },
    expect: ['`region`', q('moon-base-alpha')],
  },
  {
    name: 'region with an escape sequence',
    inputs: { region: 'us-east-1\u001b[31m' },
    expect: ['`region`', 'control character', '\\u001b'],
  },
  {
    name: 'AWS_REGION not a region (no region input)',
    inputs: { region: '' },
    env: { AWS_REGION: 'narnia' },
    expect: ['AWS_REGION', q('narnia')],
  },
  // --- booleans ---------------------------------------------------------------------------------
  {
    name: 'mask-password maybe',
    inputs: { 'mask-password': 'maybe' },
    expect: ['`mask-password`', q('maybe')],
  },
  { name: 'mask-password yes', inputs: { 'mask-password': 'yes' }, expect: ['`mask-password`', q('yes')] },
  { name: 'skip-logout maybe', inputs: { 'skip-logout': 'maybe' }, expect: ['`skip-logout`', q('maybe')] },
  { name: 'skip-logout 1', inputs: { 'skip-logout': '1' }, expect: ['`skip-logout`', q('1')] },
  {
    name: 'isolate-config maybe',
    inputs: { 'isolate-config': 'maybe' },
    expect: ['`isolate-config`', q('maybe')],
  },
  {
    name: 'isolate-config with a newline',
    inputs: { 'isolate-config': 'true\nfalse' },
    expect: ['`isolate-config`', 'control character', '\\n'],
  },
  // --- http-proxy -------------------------------------------------------------------------------
  {
    name: 'http-proxy not a URL',
    inputs: { 'http-proxy': 'not a url' },
    expect: ['`http-proxy`', q('not a url')],
  },
  {
    name: 'http-proxy socks5',
    inputs: { 'http-proxy': 'socks5://127.0.0.1:1080' },
    expect: ['`http-proxy`', q('socks5://127.0.0.1:1080')],
  },
  {
    name: 'http-proxy with a path',
    inputs: { 'http-proxy': 'http://proxy.example:3128/path' },
    expect: ['`http-proxy`', q('http://proxy.example:3128/path')],
  },
  {
    name: 'http-proxy with a query',
    inputs: { 'http-proxy': 'http://proxy.example:3128?x=1' },
    expect: ['`http-proxy`', q('http://proxy.example:3128?x=1')],
  },
  {
    name: 'http-proxy with a password (redacted)',
    inputs: { 'http-proxy': 'http://user:s3cretPw@proxy.example:3128/x' },
    expect: ['`http-proxy`', q('http://***@proxy.example:3128/x')],
    absent: ['s3cretPw'],
  },
  // --- max-attempts / api-timeout-seconds ------------------------------------------------------------
  { name: 'max-attempts 0', inputs: { 'max-attempts': '0' }, expect: ['`max-attempts`', q('0')] },
  { name: 'max-attempts 11', inputs: { 'max-attempts': '11' }, expect: ['`max-attempts`', q('11'), '10'] },
  { name: 'max-attempts -1', inputs: { 'max-attempts': '-1' }, expect: ['`max-attempts`', q('-1')] },
  { name: 'max-attempts 2.5', inputs: { 'max-attempts': '2.5' }, expect: ['`max-attempts`', q('2.5')] },
  { name: 'max-attempts five', inputs: { 'max-attempts': 'five' }, expect: ['`max-attempts`', q('five')] },
  {
    name: 'api-timeout-seconds 0',
    inputs: { 'api-timeout-seconds': '0' },
    expect: ['`api-timeout-seconds`', q('0')],
  },
  {
    name: 'api-timeout-seconds 301',
    inputs: { 'api-timeout-seconds': '301' },
    expect: ['`api-timeout-seconds`', q('301'), '300'],
  },
  {
    name: 'api-timeout-seconds 1e3',
    inputs: { 'api-timeout-seconds': '1e3' },
    expect: ['`api-timeout-seconds`', q('1e3')],
  },
  {
    name: 'api-timeout-seconds 30s',
    inputs: { 'api-timeout-seconds': '30s' },
    expect: ['`api-timeout-seconds`', q('30s')],
  },
  // --- login-method -----------------------------------------------------------------------------
  {
    name: 'login-method podman',
    inputs: { 'login-method': 'podman' },
    expect: ['`login-method`', q('podman')],
  },
  {
    name: 'login-method Docker (case)',
    inputs: { 'login-method': 'Docker' },
    expect: ['`login-method`', q('Docker')],
  },
  // --- registry-roles ---------------------------------------------------------------------------
  {
    name: 'registry-roles without =',
    inputs: { 'registry-roles': ACCOUNT },
    expect: ['`registry-roles`', q(ACCOUNT), 'ITEM=ROLE_ARN'],
  },
  {
    name: 'registry-roles without an item',
    inputs: { 'registry-roles': `=${ROLE}` },
    expect: ['`registry-roles`', q(`=${ROLE}`), 'ITEM=ROLE_ARN'],
  },
  {
    name: 'registry-roles not an ARN',
    inputs: { 'registry-roles': `${ACCOUNT}=not-an-arn` },
    expect: ['`registry-roles`', q('not-an-arn')],
  },
  {
    name: 'registry-roles a user ARN',
    inputs: { 'registry-roles': `${ACCOUNT}=arn:aws:iam::${ACCOUNT}:user/bob` },
    expect: ['`registry-roles`', q(`arn:aws:iam::${ACCOUNT}:user/bob`), 'role'],
  },
  {
    name: 'registry-roles for an unlisted registry',
    inputs: { 'registry-roles': `999999999999=${ROLE}` },
    expect: [
      '`registry-roles`',
      'account 999999999999 has no registry listed',
      `listed accounts: ${ACCOUNT}`,
    ],
  },
  {
    name: 'registry-roles partition mismatch',
    inputs: { 'registry-roles': `${ACCOUNT}=arn:aws-cn:iam::${ACCOUNT}:role/x` },
    expect: ['`registry-roles`', 'aws-cn', 'partition'],
  },
  {
    name: 'registry-roles twice for one registry',
    inputs: { 'registry-roles': `${HOST}=${ROLE}\nhttps://${HOST}/app=${ROLE}-2` },
    expect: ['`registry-roles`', HOST, 'already has a role'],
  },
  // --- registry-profiles --------------------------------------------------------------------------
  {
    name: 'registry-profiles not a profile name',
    inputs: { 'registry-profiles': `${ACCOUNT}=ci profile` },
    expect: ['`registry-profiles`', q('ci profile'), 'not a profile name'],
  },
  {
    name: 'registry-profiles unknown profile',
    inputs: { 'registry-profiles': `${ACCOUNT}=ci-absent` },
    // No shared files at all, whatever the machine running the test has in ~/.aws.
    env: {
      AWS_CONFIG_FILE: '/nonexistent/aws-config',
      AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/aws-credentials',
    },
    expect: ['`registry-profiles`', q('ci-absent'), 'not found', 'profiles found: none'],
  },
  // --- registry-aliases ---------------------------------------------------------------------------
  {
    name: 'registry-aliases with a scheme',
    inputs: { 'registry-aliases': `https://images.example.com=${ACCOUNT}` },
    expect: ['`registry-aliases`', 'no scheme'],
  },
  {
    name: 'registry-aliases naming an ECR host',
    inputs: { 'registry-aliases': `${HOST}=${ACCOUNT}` },
    expect: ['`registry-aliases`', HOST, 'itself an ECR registry'],
  },
  // --- several at once: all reported together -----------------------------------------------------
  {
    name: 'three bad inputs at once',
    inputs: { 'mask-password': 'maybe', 'max-attempts': '0', 'login-method': 'podman' },
    expect: ['`mask-password`', q('maybe'), '`max-attempts`', q('0'), '`login-method`', q('podman')],
  },
];

/** A row by name (the e2e layer picks its representatives this way). */
export function badInput(name: string): BadInputRow {
  const row = BAD_INPUTS.find((r) => r.name === name);
  if (!row) throw new Error(`no bad-input row named ${JSON.stringify(name)}`);
  return row;
}
