// runMain end to end in-process: the REAL getAuthorizationToken (token-api.ts) against aws-sdk-client-mock, fake
// registry /v2/ checks and docker logins, and the runner's files in a temp dir.
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ECRClient, GetAuthorizationTokenCommand } from '@aws-sdk/client-ecr';
import {
  ECRPUBLICClient,
  GetAuthorizationTokenCommand as PublicGetAuthorizationTokenCommand,
} from '@aws-sdk/client-ecr-public';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { type MainDeps, runMain } from '../../src/action/main.js';
import type { PostState } from '../../src/action/state.js';
import { type DockerResult, dockerLogin, dockerPath, type Exec } from '../../src/docker/docker-cli.js';
import { OWNER_MARKER } from '../../src/docker/owned-dir.js';
import { getAuthorizationToken } from '../../src/ecr/token-api.js';
import type { VerifyResult } from '../../src/net/verify.js';
import { BAD_INPUT_ACCOUNT, BAD_INPUTS } from '../support/bad-inputs.js';
import { parseFileCommands } from '../support/file-commands.js';
import { loadAction } from '../support/runner.js';

const ecr = mockClient(ECRClient);
const ecrPublic = mockClient(ECRPUBLICClient);
const sts = mockClient(STSClient);

const A = '111111111111';
const B = '222222222222';
const DEFAULT_ACCOUNT = '999999999999';
const host = (account: string, region: string) => `${account}.dkr.ecr.${region}.amazonaws.com`;
const key = (h: string) => h.replace(/[^a-zA-Z0-9_]+/g, '_');
const b64 = (s: string) => Buffer.from(s).toString('base64');
const passwordOf = (account: string, region: string) => `pw-${account}-${region}-Zq9`;
const tokenOf = (account: string, region: string) => b64(`AWS:${passwordOf(account, region)}`);
const PUBLIC_PASSWORD = 'pw-public-Xk2';
const PUBLIC_TOKEN = b64(`AWS:${PUBLIC_PASSWORD}`);
// Token expiries must lie within the next day (token-answer.ts): hours from the start of this file.
const START = Math.floor(Date.now() / 1000) * 1000;
const inHours = (h: number) => new Date(START + h * 3600_000).toISOString();
const shown = (iso: string | undefined) => (iso ?? '').replace(/\.000Z$/, 'Z');
const EXPIRY: Record<string, string> = {
  'us-east-1': inHours(12),
  'eu-west-1': inHours(11.5),
  'ap-southeast-2': inHours(13),
  'eu-central-1': inHours(12.25),
};
const expiryOf = (region: string) => new Date(EXPIRY[region] ?? inHours(12));
const PUBLIC_EXPIRY = inHours(10.75);

const WATCHED = [
  'GITHUB_OUTPUT',
  'GITHUB_STATE',
  'GITHUB_ENV',
  'GITHUB_STEP_SUMMARY',
  'DOCKER_CONFIG',
  'RUNNER_DEBUG',
];

let defaults: Record<string, string>;
let root: string;
let configDir: string;
let runnerTemp: string;
let files: { output: string; state: string; env: string; summary: string };
let savedEnv: Record<string, string | undefined>;
let stdout: string[];
/** Masks and uses of secrets, in the order they happened. */
let events: ({ kind: 'mask'; value: string } | { kind: 'use'; what: string; secrets: string[] })[];
/** Places a secret was found before its mask was registered. */
let leaks: string[];
let failRegions: string[];

beforeAll(async () => {
  const action = await loadAction();
  defaults = Object.fromEntries(Object.entries(action.inputs).map(([n, s]) => [n, s.default ?? '']));
});

/** A synchronous read: the stdout spy that checks masks must stay synchronous. */
function readIfThere(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

/** Where a value could already have been shown or stored before its mask. */
function placesHolding(value: string): string[] {
  const places: string[] = [];
  if (stdout.join('').includes(value)) places.push('stdout');
  for (const [name, file] of Object.entries(files)) if (readIfThere(file).includes(value)) places.push(name);
  if (readIfThere(join(configDir, 'config.json')).includes(value)) places.push('config.json');
  return places;
}

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'ecr-login-main-unit-'));
  configDir = join(root, 'home', '.docker');
  runnerTemp = join(root, 'runner-temp');
  await mkdir(configDir, { recursive: true });
  await mkdir(runnerTemp);
  files = {
    output: join(root, 'output'),
    state: join(root, 'state'),
    env: join(root, 'env'),
    summary: join(root, 'summary'),
  };
  for (const f of Object.values(files)) await writeFile(f, '');
  savedEnv = Object.fromEntries(WATCHED.map((k) => [k, process.env[k]]));
  process.env.GITHUB_OUTPUT = files.output;
  process.env.GITHUB_STATE = files.state;
  process.env.GITHUB_ENV = files.env;
  process.env.GITHUB_STEP_SUMMARY = files.summary;
  delete process.env.DOCKER_CONFIG;
  delete process.env.RUNNER_DEBUG;
  process.exitCode = undefined;

  stdout = [];
  events = [];
  leaks = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    const text = String(chunk);
    for (const line of text.split('\n')) {
      if (!line.startsWith('::add-mask::')) continue;
      const value = line
        .slice('::add-mask::'.length)
        .replace(/%0D/g, '\r')
        .replace(/%0A/g, '\n')
        .replace(/%25/g, '%');
      const held = placesHolding(value);
      if (held.length > 0) leaks.push(`${value} was in ${held.join(', ')} before its mask`);
      events.push({ kind: 'mask', value });
    }
    stdout.push(text);
    return true;
  });

  failRegions = [];
  ecr.reset();
  ecrPublic.reset();
  sts.reset();
  ecr.on(GetAuthorizationTokenCommand).callsFake(async (input: { registryIds?: string[] }, getClient) => {
    const region = await getClient().config.region();
    if (failRegions.includes(region)) {
      throw Object.assign(
        new Error(
          `User: arn:aws:iam::000000000000:user/ci is not authorized to perform: ecr:GetAuthorizationToken`,
        ),
        { name: 'AccessDeniedException', $fault: 'client', $metadata: { httpStatusCode: 400 } },
      );
    }
    const ids = input.registryIds ?? [DEFAULT_ACCOUNT];
    return {
      authorizationData: ids.map((id) => ({
        authorizationToken: tokenOf(id, region),
        expiresAt: expiryOf(region),
        proxyEndpoint: `https://${host(id, region)}`,
      })),
    };
  });
  ecrPublic.on(PublicGetAuthorizationTokenCommand).resolves({
    authorizationData: { authorizationToken: PUBLIC_TOKEN, expiresAt: new Date(PUBLIC_EXPIRY) },
  });
  sts
    .on(GetCallerIdentityCommand)
    .resolves({ Arn: 'arn:aws:iam::000000000000:user/ci', Account: '000000000000' });
  sts.on(AssumeRoleCommand).resolves({
    Credentials: {
      AccessKeyId: 'ASIAROLEKEY',
      SecretAccessKey: 'role-secret-key',
      SessionToken: 'role-session-token',
      Expiration: new Date('2030-01-01T01:00:00Z'),
    },
  });
});

afterEach(async () => {
  vi.restoreAllMocks();
  for (const [k, v] of Object.entries(savedEnv)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  process.exitCode = undefined;
  await rm(root, { recursive: true, force: true });
});

interface Options {
  env?: NodeJS.ProcessEnv;
  verify?: (host: string) => VerifyResult;
  docker?: (host: string) => DockerResult;
  dockerFound?: boolean;
}

interface Run {
  exitCode: number | string | null | undefined;
  outputs: Record<string, string>;
  /** Every saved state, in order. */
  states: PostState[];
  summary: string;
  errors: string[];
  verified: string[];
  dockerLogins: { host: string; username: string; password: string; dockerConfig: string | undefined }[];
}

function blocks(text: string): [string, string][] {
  return [...text.matchAll(/^([^\n]+?)<<(ghadelimiter_[^\n]+)\n([\s\S]*?)\n\2\n/gm)].map((m) => [
    m[1] ?? '',
    m[3] ?? '',
  ]);
}

const OK: VerifyResult = { ok: true, status: 200, message: 'ok' };

async function run(inputs: Record<string, string>, opts: Options = {}): Promise<Run> {
  const env: NodeJS.ProcessEnv = {
    AWS_REGION: 'us-east-1',
    DOCKER_CONFIG: configDir,
    RUNNER_TEMP: runnerTemp,
    PATH: '/usr/bin:/bin',
    ...opts.env,
  };
  for (const [name, value] of Object.entries({ ...defaults, ...inputs }))
    env[`INPUT_${name.toUpperCase()}`] = value;
  const verified: string[] = [];
  const dockerLogins: Run['dockerLogins'] = [];
  const deps: MainDeps = {
    env,
    getToken: getAuthorizationToken,
    findDocker: async () => (opts.dockerFound === false ? undefined : '/usr/bin/docker'),
    tools: {
      verify: async ({ scheme, host: h, auth }) => {
        const password = Buffer.from(auth, 'base64').toString().split(':').slice(1).join(':');
        events.push({ kind: 'use', what: `verify ${h}`, secrets: [auth, password] });
        if (readIfThere(files.output).includes(password))
          leaks.push(`${h}: password in outputs before login`);
        verified.push(`${scheme}://${h}`);
        return opts.verify?.(h) ?? OK;
      },
      dockerLogin: async (h, username, password, e) => {
        events.push({ kind: 'use', what: `docker login ${h}`, secrets: [password] });
        dockerLogins.push({ host: h, username, password, dockerConfig: e.DOCKER_CONFIG });
        return opts.docker?.(h) ?? { ok: true, message: '' };
      },
    },
  };
  await runMain(deps);
  const all = stdout.join('');
  return {
    exitCode: process.exitCode,
    outputs: parseFileCommands(await readFile(files.output, 'utf8')).values,
    states: blocks(await readFile(files.state, 'utf8'))
      .filter(([n]) => n === 'ecr-login')
      .map(([, v]) => JSON.parse(v) as PostState),
    summary: await readFile(files.summary, 'utf8'),
    errors: all
      .split('\n')
      .filter((l) => l.startsWith('::error::'))
      .map((l) =>
        l.slice('::error::'.length).replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%'),
      ),
    verified,
    dockerLogins,
  };
}

async function ecrCalls(): Promise<{ region: string; registryIds: string[] | undefined; input: object }[]> {
  return Promise.all(
    ecr.commandCalls(GetAuthorizationTokenCommand).map(async (c) => ({
      region: await (c.thisValue as ECRClient).config.region(),
      registryIds: c.args[0].input.registryIds,
      input: c.args[0].input,
    })),
  );
}

async function publicRegions(): Promise<string[]> {
  return Promise.all(
    ecrPublic
      .commandCalls(PublicGetAuthorizationTokenCommand)
      .map((c) => (c.thisValue as ECRPUBLICClient).config.region()),
  );
}

const masks = () => events.filter((e) => e.kind === 'mask').map((e) => e.value);

/** Every secret handed to a login or /v2/ check was masked before that use, and nothing leaked before its mask. */
function expectMaskedBeforeUse(maskPassword = true): void {
  expect(leaks).toEqual([]);
  events.forEach((e, i) => {
    if (e.kind !== 'use') return;
    const [first, ...rest] = e.secrets;
    const mustMask = e.what.startsWith('verify')
      ? maskPassword
        ? e.secrets
        : [first]
      : maskPassword
        ? [first, ...rest]
        : [];
    for (const secret of mustMask) {
      const at = events.findIndex((m) => m.kind === 'mask' && m.value === secret);
      expect(at, `${secret} masked before ${e.what}`).toBeGreaterThanOrEqual(0);
      expect(at, `${secret} masked before ${e.what}`).toBeLessThan(i);
    }
  });
  expect(masks()).not.toContain('AWS');
}

async function configAuths(): Promise<Record<string, { auth?: string }>> {
  return JSON.parse(await readFile(join(configDir, 'config.json'), 'utf8')).auths;
}

describe('token requests (real token-api.ts, mocked SDK)', () => {
  it('default registry: one call in the job’s region with no registryIds', async () => {
    const r = await run({}, { env: { AWS_REGION: 'eu-central-1' } });
    expect(await ecrCalls()).toEqual([{ region: 'eu-central-1', registryIds: undefined, input: {} }]);
    expect(ecrPublic.calls()).toHaveLength(0);
    const h = host(DEFAULT_ACCOUNT, 'eu-central-1');
    expect(r.exitCode).toBeUndefined();
    expect(r.errors).toEqual([]);
    expect(r.outputs).toEqual({
      'docker-config': configDir,
      registry: h,
      registries: h,
      [`docker_username_${key(h)}`]: 'AWS',
      [`docker_password_${key(h)}`]: passwordOf(DEFAULT_ACCOUNT, 'eu-central-1'),
      'expires-at': EXPIRY['eu-central-1'],
    });
    expect(r.verified).toEqual([`https://${h}`]);
    expect(await configAuths()).toEqual({ [h]: { auth: tokenOf(DEFAULT_ACCOUNT, 'eu-central-1') } });
    expect(r.states.at(-1)).toEqual({
      logins: [{ host: h, store: 'config-file' }],
      configDir,
      expiresAt: EXPIRY['eu-central-1'],
    });
    expect(masks()).toEqual([
      tokenOf(DEFAULT_ACCOUNT, 'eu-central-1'),
      passwordOf(DEFAULT_ACCOUNT, 'eu-central-1'),
    ]);
    expectMaskedBeforeUse();
  });

  it('2 accounts × 3 regions: 3 calls, one per region, each with both accounts in first-seen order', async () => {
    const order = [
      host(A, 'eu-west-1'),
      host(B, 'us-east-1'),
      host(A, 'ap-southeast-2'),
      host(B, 'eu-west-1'),
      host(A, 'us-east-1'),
      host(B, 'ap-southeast-2'),
    ];
    const r = await run({ registries: order.join('\n') });
    const calls = await ecrCalls();
    expect(calls).toHaveLength(3);
    expect(calls.map((c) => [c.region, c.registryIds]).sort()).toEqual(
      [
        ['ap-southeast-2', [A, B]],
        ['eu-west-1', [A, B]],
        ['us-east-1', [B, A]],
      ].sort(),
    );
    expect(r.exitCode).toBeUndefined();
    expect(r.outputs.registries).toBe(order.join(','));
    expect(r.outputs.registry).toBeUndefined();
    for (const h of order) {
      const [account = '', , , region = ''] = h.split('.');
      expect(r.outputs[`docker_username_${key(h)}`]).toBe('AWS');
      expect(r.outputs[`docker_password_${key(h)}`]).toBe(passwordOf(account, region));
    }
    // docker-config, registries, expires-at and a user name and password per host.
    expect(Object.keys(r.outputs)).toHaveLength(3 + 12);
    expect(r.outputs['expires-at']).toBe(EXPIRY['eu-west-1']);
    expect(await configAuths()).toEqual(
      Object.fromEntries(
        order.map((h) => [h, { auth: tokenOf(h.split('.')[0] ?? '', h.split('.')[3] ?? '') }]),
      ),
    );
    expect(r.states.at(-1)?.logins.map((l) => l.host)).toEqual(order);
    expect(r.states.at(-1)?.expiresAt).toBe(EXPIRY['eu-west-1']);
    expectMaskedBeforeUse();
    expect(masks()).toHaveLength(12);
  });

  it('with RUNNER_DEBUG, logs each planned call (region, accounts, role), never a secret', async () => {
    await run({ registries: `${A}, ${B}.dkr.ecr.eu-west-1.amazonaws.com, public.ecr.aws` });
    const debug = stdout
      .join('')
      .split('\n')
      .filter((l) => l.startsWith('::debug::GetAuthorizationToken'));
    expect(debug).toEqual([
      `::debug::GetAuthorizationToken in us-east-1 for ${A}`,
      `::debug::GetAuthorizationToken in eu-west-1 for ${B}`,
      '::debug::GetAuthorizationToken in us-east-1 for ECR Public',
    ]);
  });

  it('12 accounts in one region: 2 calls, 10 ids then the other 2', async () => {
    const ids = Array.from({ length: 12 }, (_, i) => String(100_000_000_000 + i));
    const r = await run({ registries: ids.join(','), region: 'eu-west-1' });
    const calls = await ecrCalls();
    expect(calls.map((c) => [c.region, c.registryIds])).toEqual([
      ['eu-west-1', ids.slice(0, 10)],
      ['eu-west-1', ids.slice(10)],
    ]);
    expect(r.outputs.registries).toBe(ids.map((id) => host(id, 'eu-west-1')).join(','));
    expect(r.verified).toHaveLength(12);
    expectMaskedBeforeUse();
  });

  it('public + private: one ECR Public call in us-east-1 for every public host, private in its own region', async () => {
    const r = await run(
      { registries: `public.ecr.aws/alias/app:1, ${A}, ecr-public.aws.com, public.ecr.aws` },
      { env: { AWS_REGION: 'eu-west-1' } },
    );
    expect(await publicRegions()).toEqual(['us-east-1']);
    expect(ecrPublic.commandCalls(PublicGetAuthorizationTokenCommand)[0]?.args[0].input).toEqual({});
    expect(await ecrCalls()).toEqual([
      { region: 'eu-west-1', registryIds: [A], input: { registryIds: [A] } },
    ]);
    expect(r.outputs.registries).toBe(`public.ecr.aws,${host(A, 'eu-west-1')},ecr-public.aws.com`);
    expect(r.outputs.docker_password_public_ecr_aws).toBe(PUBLIC_PASSWORD);
    expect(r.outputs.docker_password_ecr_public_aws_com).toBe(PUBLIC_PASSWORD);
    expect(r.outputs['expires-at']).toBe(PUBLIC_EXPIRY);
    expect(r.verified.sort()).toEqual(
      [`https://public.ecr.aws`, `https://${host(A, 'eu-west-1')}`, 'https://ecr-public.aws.com'].sort(),
    );
    expectMaskedBeforeUse();
  });

  it('items naming one host merge into one registry and one call', async () => {
    const h = host(A, 'us-east-1');
    const r = await run({
      registries: `${A}\n${h}\nhttps://${h}/team/app:v1\n${h.toUpperCase()}/x@sha256:${'a'.repeat(64)}`,
    });
    expect(await ecrCalls()).toEqual([
      { region: 'us-east-1', registryIds: [A], input: { registryIds: [A] } },
    ]);
    expect(r.outputs.registry).toBe(h);
    expect(r.outputs.registries).toBe(h);
    expect(r.verified).toEqual([`https://${h}`]);
  });

  it('an alias gets its registry’s token; the registry itself is logged in only when listed', async () => {
    const h = host(B, 'eu-west-1');
    const r = await run({ registries: A, 'registry-aliases': `registry.example.com=${h}` });
    expect(await ecrCalls()).toEqual([
      { region: 'us-east-1', registryIds: [A], input: { registryIds: [A] } },
      { region: 'eu-west-1', registryIds: [B], input: { registryIds: [B] } },
    ]);
    expect(r.outputs.registries).toBe(`${host(A, 'us-east-1')},registry.example.com`);
    expect(r.outputs.docker_password_registry_example_com).toBe(passwordOf(B, 'eu-west-1'));
    expect(r.verified).toEqual([`https://${host(A, 'us-east-1')}`, 'https://registry.example.com']);
    expect(r.summary).toContain(`alias of ${h}`);
  });

  it('keeps a dual-stack host as named, with the official output key', async () => {
    const dual = `${A}.dkr-ecr.eu-west-1.on.aws`;
    const r = await run({ registries: dual });
    expect(await ecrCalls()).toEqual([
      { region: 'eu-west-1', registryIds: [A], input: { registryIds: [A] } },
    ]);
    expect(r.outputs.registry).toBe(dual);
    expect(r.outputs.docker_username_111111111111_dkr_ecr_eu_west_1_on_aws).toBe('AWS');
    expect(r.outputs.docker_password_111111111111_dkr_ecr_eu_west_1_on_aws).toBe(passwordOf(A, 'eu-west-1'));
  });

  it('fetches the token with the registry’s role (one AssumeRole for both regions)', async () => {
    const role = `arn:aws:iam::${A}:role/ecr-pull`;
    const r = await run({
      registries: `${host(A, 'us-east-1')}, ${host(A, 'eu-west-1')}, ${B}`,
      'registry-roles': `${host(A, 'us-east-1')}=${role}\n${host(A, 'eu-west-1')}=${role}`,
    });
    expect(r.exitCode).toBeUndefined();
    // One request per (region, role): A with the role in us-east-1 and eu-west-1, B without it in us-east-1.
    const calls = await ecrCalls();
    expect(calls.map((c) => [c.region, c.registryIds]).sort()).toEqual(
      [
        ['eu-west-1', [A]],
        ['us-east-1', [A]],
        ['us-east-1', [B]],
      ].sort(),
    );
    const roleClients = ecr
      .commandCalls(GetAuthorizationTokenCommand)
      .filter((c) => c.args[0].input.registryIds?.[0] === A)
      .map((c) => c.thisValue as ECRClient);
    expect(roleClients).toHaveLength(2);
    for (const client of roleClients) {
      expect(await client.config.credentials()).toMatchObject({
        accessKeyId: 'ASIAROLEKEY',
        secretAccessKey: 'role-secret-key',
        sessionToken: 'role-session-token',
      });
    }
    expect(sts.commandCalls(AssumeRoleCommand).map((c) => c.args[0].input.RoleArn)).toEqual([role]);
    expect(masks()).toEqual(expect.arrayContaining(['role-secret-key', 'role-session-token']));
    expect(masks()).not.toContain('ASIAROLEKEY');
  });
});

describe('masks', () => {
  it('mask-password false masks the token but not the password, which still becomes an output', async () => {
    const h = host(A, 'us-east-1');
    const r = await run({ registries: A, 'mask-password': 'false' });
    expect(masks()).toEqual([tokenOf(A, 'us-east-1')]);
    expect(r.outputs[`docker_password_${key(h)}`]).toBe(passwordOf(A, 'us-east-1'));
    expectMaskedBeforeUse(false);
  });

  it('masks every token and password before any /v2/ check, docker login or output, and never "AWS"', async () => {
    await writeFile(
      join(configDir, 'config.json'),
      JSON.stringify({ credHelpers: { [host(B, 'us-east-1')]: 'secretservice' } }),
    );
    const r = await run({ registries: `${A}, ${B}, public.ecr.aws` });
    expect(r.exitCode).toBeUndefined();
    expect(r.dockerLogins.map((d) => d.host)).toEqual([host(B, 'us-east-1')]);
    expect(r.dockerLogins[0]?.username).toBe('AWS');
    expect(r.dockerLogins[0]?.password).toBe(passwordOf(B, 'us-east-1'));
    expect(masks().sort()).toEqual(
      [
        tokenOf(A, 'us-east-1'),
        passwordOf(A, 'us-east-1'),
        tokenOf(B, 'us-east-1'),
        passwordOf(B, 'us-east-1'),
        PUBLIC_TOKEN,
        PUBLIC_PASSWORD,
      ].sort(),
    );
    // Token first, then its password.
    const m = masks();
    expect(m.indexOf(tokenOf(A, 'us-east-1'))).toBe(m.indexOf(passwordOf(A, 'us-east-1')) - 1);
    expectMaskedBeforeUse();
    // Nothing secret is printed in the clear anywhere in the log.
    const log = stdout.filter((l) => !l.startsWith('::add-mask::')).join('');
    for (const secret of m) expect(log).not.toContain(secret);
  });
});

describe('the docker CLI as main drives it', () => {
  it('no docker argv ever holds a password or token: each goes in on stdin', async () => {
    const execs: { command: string; args: string[]; input: string | undefined }[] = [];
    const exec: Exec = async (command, args, options) => {
      execs.push({ command, args: args ?? [], input: options?.input?.toString() });
      return { exitCode: 0, stdout: 'Login Succeeded\n', stderr: '', timedOut: false, missing: false };
    };
    const env: NodeJS.ProcessEnv = {
      AWS_REGION: 'eu-west-1',
      DOCKER_CONFIG: configDir,
      RUNNER_TEMP: runnerTemp,
    };
    for (const [name, value] of Object.entries({
      ...defaults,
      registries: `${A}, ${host(B, 'us-east-1')}, public.ecr.aws`,
      'login-method': 'docker',
    }))
      env[`INPUT_${name.toUpperCase()}`] = value;
    await runMain({
      env,
      getToken: getAuthorizationToken,
      findDocker: async () => '/usr/bin/docker',
      tools: {
        verify: async () => {
          throw new Error('no /v2/ check expected with login-method docker');
        },
        dockerLogin: (h, u, p, e, t) => dockerLogin(h, u, p, e, t, { attempts: 3, delayMs: () => 0 }, exec),
      },
    });
    expect(process.exitCode).toBeUndefined();
    const bin = (await dockerPath()) ?? 'docker';
    expect(execs).toEqual([
      {
        command: bin,
        args: ['login', '--username', 'AWS', '--password-stdin', host(A, 'eu-west-1')],
        input: passwordOf(A, 'eu-west-1'),
      },
      {
        command: bin,
        args: ['login', '--username', 'AWS', '--password-stdin', host(B, 'us-east-1')],
        input: passwordOf(B, 'us-east-1'),
      },
      {
        command: bin,
        args: ['login', '--username', 'AWS', '--password-stdin', 'public.ecr.aws'],
        input: PUBLIC_PASSWORD,
      },
    ]);
    const argv = JSON.stringify(execs.map((e) => [e.command, ...e.args]));
    expect(masks()).toHaveLength(6);
    for (const secret of masks()) expect(argv).not.toContain(secret);
    expect(leaks).toEqual([]);
  });
});

describe('outputs, state and summary', () => {
  it('writes the summary table with one row per registry', async () => {
    const r = await run({ registries: `${A}, ${host(B, 'eu-west-1')}` });
    const rows = r.summary.split('\n').filter((l) => l.startsWith('| `'));
    expect(r.summary.split('\n')[0]).toBe('### ECR login: 2 registries');
    expect(rows).toEqual([
      `| \`${host(A, 'us-east-1')}\` | ${A} | us-east-1 | config file | ${shown(EXPIRY['us-east-1'])} |`,
      `| \`${host(B, 'eu-west-1')}\` | ${B} | eu-west-1 | config file | ${shown(EXPIRY['eu-west-1'])} |`,
    ]);
  });

  it('names every host in the state before it is written; a failure at registry 4 drops it from the last saved state', async () => {
    const hosts = [A, B, '333333333333', '444444444444'].map((a) => host(a, 'us-east-1'));
    const r = await run(
      { registries: hosts.join(','), 'login-method': 'docker' },
      {
        docker: (h) =>
          h === hosts[3]
            ? { ok: false, message: 'Error response from daemon: boom' }
            : { ok: true, message: '' },
      },
    );
    expect(r.dockerLogins.map((d) => d.host)).toEqual(hosts);
    // Each docker login runs on a private copy of the config under RUNNER_TEMP, never on the user's file.
    expect(r.dockerLogins.every((d) => d.dockerConfig?.startsWith(join(runnerTemp, 'ecr-login-copy-')))).toBe(
      true,
    );
    expect(r.states.map((s) => s.logins.map((l) => l.host))).toEqual([hosts, hosts.slice(0, 3)]);
    expect(r.states.at(-1)).toEqual({
      logins: hosts.slice(0, 3).map((h) => ({ host: h, store: 'docker-cli' })),
      configDir,
      expiresAt: EXPIRY['us-east-1'],
    });
    expect(r.exitCode).toBe(1);
    expect(r.errors).toHaveLength(1);
    const lines = r.errors[0]?.split('\n') ?? [];
    expect(lines[0]).toBe('1 registry failed:');
    expect(lines).toHaveLength(2);
    expect(lines[1]?.startsWith(`${hosts[3]} (us-east-1): `)).toBe(true);
    expect(lines[1]).toContain('Error response from daemon: boom');
    expect(r.outputs.registries).toBe(hosts.slice(0, 3).join(','));
    expect(r.outputs[`docker_password_${key(hosts[3] ?? '')}`]).toBeUndefined();
  });

  it('a credential refused at /v2/ is not written, fails the step, and the others are logged in', async () => {
    const hosts = [A, B, '333333333333', '444444444444'].map((a) => host(a, 'us-east-1'));
    const r = await run(
      { registries: hosts.join(',') },
      {
        verify: (h) =>
          h === hosts[3]
            ? { ok: false, status: 401, message: `GET https://${h}/v2/ answered 401 Unauthorized` }
            : OK,
      },
    );
    expect(Object.keys(await configAuths())).toEqual(hosts.slice(0, 3));
    expect(r.states.at(-1)?.logins.map((l) => l.host)).toEqual(hosts.slice(0, 3));
    expect(r.exitCode).toBe(1);
    const lines = r.errors[0]?.split('\n') ?? [];
    expect(lines).toHaveLength(2);
    expect(lines[1]?.startsWith(`${hosts[3]} (us-east-1): `)).toBe(true);
    expect(r.summary.split('\n')[0]).toBe('### ECR login: 1 of 4 failed');
  });

  it('a token failure in one region still logs in the others and fails with one line per failing registry', async () => {
    failRegions = ['eu-west-1'];
    const ok1 = host(A, 'us-east-1');
    const bad1 = host(A, 'eu-west-1');
    const bad2 = host(B, 'eu-west-1');
    const ok2 = host(B, 'ap-southeast-2');
    const r = await run({ registries: [ok1, bad1, bad2, ok2].join(',') });
    expect((await ecrCalls()).map((c) => c.region).sort()).toEqual([
      'ap-southeast-2',
      'eu-west-1',
      'us-east-1',
    ]);
    expect(r.exitCode).toBe(1);
    expect(Object.keys(await configAuths())).toEqual([ok1, ok2]);
    expect(r.outputs.registries).toBe(`${ok1},${ok2}`);
    expect(r.states.at(-1)?.logins.map((l) => l.host)).toEqual([ok1, ok2]);
    expect(r.errors).toHaveLength(1);
    const lines = r.errors[0]?.split('\n') ?? [];
    expect(lines[0]).toBe('2 registries failed:');
    expect(lines).toHaveLength(3);
    expect(lines[1]?.startsWith(`${bad1} (eu-west-1): `)).toBe(true);
    expect(lines[2]?.startsWith(`${bad2} (eu-west-1): `)).toBe(true);
    expect(lines[1]).toContain('eu-west-1');
    expect(r.summary).toContain('### ECR login: 2 of 4 failed');
    expect(r.summary).toMatch(
      new RegExp(`\\| \`${bad1.replace(/\./g, '\\.')}\` \\| ${A} \\| eu-west-1 \\| ❌ `),
    );
  });

  it('a failing default registry is named by its region', async () => {
    failRegions = ['us-east-1'];
    const r = await run({});
    expect(r.exitCode).toBe(1);
    const lines = r.errors[0]?.split('\n') ?? [];
    expect(lines[0]).toBe('1 registry failed:');
    expect(lines[1]?.startsWith('default registry in us-east-1 (us-east-1): ')).toBe(true);
    expect(r.outputs).toEqual({ 'docker-config': configDir });
    expect(existsSync(join(configDir, 'config.json'))).toBe(false);
  });

  it('a hostile 8 MB token fails its registry by name; no mask line, output or config entry carries it', async () => {
    const huge = 'A'.repeat(8 << 20);
    ecr.on(GetAuthorizationTokenCommand).resolves({
      authorizationData: [
        {
          authorizationToken: huge,
          expiresAt: expiryOf('us-east-1'),
          proxyEndpoint: `https://${host(A, 'us-east-1')}`,
        },
      ],
    });
    const r = await run({});
    expect(r.exitCode).toBe(1);
    const lines = r.errors[0]?.split('\n') ?? [];
    expect(lines[1]).toBe(
      'default registry in us-east-1 (us-east-1): GetAuthorizationToken for the default registry in us-east-1 ' +
        'answered an unusable authorizationToken: it is longer than 16384 characters',
    );
    expect(stdout.join('').length).toBeLessThan(64 * 1024);
    expect(masks()).toEqual([]);
    expect(existsSync(join(configDir, 'config.json'))).toBe(false);
  });

  it('an empty answer for the default registry fails, naming the region and the principal', async () => {
    ecr.on(GetAuthorizationTokenCommand).resolves({ authorizationData: [] });
    const r = await run({});
    expect(r.exitCode).toBe(1);
    const lines = r.errors[0]?.split('\n') ?? [];
    expect(lines[1]).toBe(
      'default registry in us-east-1 (us-east-1): GetAuthorizationToken for the default registry in us-east-1 ' +
        'answered no authorization data (called as arn:aws:iam::000000000000:user/ci)',
    );
    expect(r.summary).toContain('default registry in us-east-1');
  });

  it('isolate-config: logs in to a private config under RUNNER_TEMP, exported as DOCKER_CONFIG', async () => {
    const userConfig = JSON.stringify({
      auths: { 'other.example': { auth: 'dTpw' } },
      credsStore: 'desktop',
    });
    await writeFile(join(configDir, 'config.json'), userConfig);
    const r = await run({ registries: A, 'isolate-config': 'true' }, { dockerFound: false });
    expect(r.exitCode).toBeUndefined();
    const dir = r.outputs['docker-config'] ?? '';
    expect(dir.startsWith(join(runnerTemp, 'ecr-login-docker-'))).toBe(true);
    expect(parseFileCommands(await readFile(files.env, 'utf8')).values).toEqual({
      DOCKER_CONFIG: dir,
      REGISTRY_AUTH_FILE: join(dir, 'config.json'),
    });
    const isolatedId = (await readFile(join(dir, OWNER_MARKER), 'utf8')).trim();
    expect(isolatedId).toMatch(/^[0-9a-f]{32}$/);
    expect(r.states[0]).toEqual({ logins: [], configDir: dir, isolatedDir: dir, isolatedId });
    expect(r.states.at(-1)).toEqual({
      logins: [{ host: host(A, 'us-east-1'), store: 'config-file' }],
      configDir: dir,
      isolatedDir: dir,
      isolatedId,
      expiresAt: EXPIRY['us-east-1'],
    });
    expect(await readFile(join(configDir, 'config.json'), 'utf8')).toBe(userConfig);
    const isolated = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8'));
    expect(isolated.auths[host(A, 'us-east-1')]).toEqual({ auth: tokenOf(A, 'us-east-1') });
    expect(isolated.auths['other.example']).toEqual({ auth: 'dTpw' });
    expect(r.dockerLogins).toEqual([]);
  });

  it('an unexpected failure (unwritable RUNNER_TEMP) ends as one ::error:: line, not a stack trace', async () => {
    const notADir = join(root, 'runner-temp-file');
    await writeFile(notADir, '');
    const r = await run(
      { registries: A, 'isolate-config': 'true' },
      { env: { RUNNER_TEMP: notADir }, dockerFound: false },
    );
    expect(r.exitCode).toBe(1);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatch(/^ECR login failed: ENOTDIR/);
    expect(r.errors[0]).toContain(notADir);
    const shown = stdout
      .join('')
      .split('\n')
      .filter((l) => !l.startsWith('::add-mask::'));
    expect(shown.join('\n')).not.toContain(tokenOf(A, 'us-east-1'));
    expect(shown.join('\n')).not.toContain(passwordOf(A, 'us-east-1'));
  });

  it('skip-logout is recorded in the state', async () => {
    const r = await run({ registries: A, 'skip-logout': 'true' });
    expect(r.states.at(-1)?.skipLogout).toBe(true);
  });
});

describe('refused before any AWS call', () => {
  async function snapshot(dir: string): Promise<string[]> {
    const names = (await readdir(dir)).sort();
    return Promise.all(
      names.map(async (n) => {
        const s = await stat(join(dir, n));
        return `${n} ${s.mtimeMs} ${s.size} ${await readFile(join(dir, n), 'utf8')}`;
      }),
    );
  }

  function expectNoCalls(): void {
    expect(ecr.calls()).toHaveLength(0);
    expect(ecrPublic.calls()).toHaveLength(0);
    expect(sts.calls()).toHaveLength(0);
  }

  it('bad input: exit code 1, the problems in one error, no SDK call, the docker config untouched', async () => {
    await writeFile(join(configDir, 'config.json'), JSON.stringify({ auths: { x: { auth: 'eA==' } } }));
    const before = await snapshot(configDir);
    const r = await run({ registries: `${A}, 12345`, 'mask-password': 'yes' });
    expect(r.exitCode).toBe(1);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatch(
      /^Invalid inputs:\n- Input `registries`: "12345": .*\n- Input `mask-password` must be true or false, got "yes"\.$/,
    );
    expectNoCalls();
    expect(await snapshot(configDir)).toEqual(before);
    expect(r.outputs).toEqual({});
    expect(r.states).toEqual([]);
    expect(r.summary).toBe('');
  });

  it('the bad-input table covers every input in action.yml', async () => {
    const action = await loadAction();
    const covered = new Set(BAD_INPUTS.flatMap((row) => Object.keys(row.inputs)));
    for (const name of Object.keys(action.inputs)) expect(covered, name).toContain(name);
  });

  it.for(BAD_INPUTS)('bad input, $name: one error naming it, no SDK call, nothing written', async (row) => {
    const seed = '{\n\t"auths": {"ghcr.io": {"auth": "b2N0b2NhdDpub3RyZWFs"}},\n\t"x-keep": [1, 2]\n}\n';
    await writeFile(join(configDir, 'config.json'), seed);
    const before = await snapshot(configDir);
    const r = await run(
      { registries: BAD_INPUT_ACCOUNT, region: 'us-east-1', ...row.inputs },
      { env: { AWS_REGION: 'us-east-1', ...row.env } },
    );
    expect(r.exitCode).toBe(1);
    expect(r.errors).toHaveLength(1);
    for (const part of row.expect) expect(r.errors[0]).toContain(part);
    for (const part of row.absent ?? []) expect(stdout.join('')).not.toContain(part);
    expectNoCalls();
    expect(await snapshot(configDir)).toEqual(before);
    expect(r.outputs).toEqual({});
    expect(r.states).toEqual([]);
  });

  it('a registry-profiles profile the shared files lack: refused naming it, no SDK call', async () => {
    const config = join(root, 'aws-config');
    await writeFile(config, '[profile ci-a]\nregion = us-east-1\n');
    const r = await run(
      { registries: A, 'registry-profiles': `${A}=ci-b` },
      { env: { AWS_CONFIG_FILE: config, AWS_SHARED_CREDENTIALS_FILE: join(root, 'none') } },
    );
    expect(r.exitCode).toBe(1);
    expect(r.errors).toEqual([
      `Input \`registry-profiles\`: profile "ci-b" not found in ${config} or ${join(root, 'none')} (profiles found: "ci-a").`,
    ]);
    expectNoCalls();
    expect(r.states).toEqual([]);
  });

  it('login-method config-file with a credsStore is refused', async () => {
    await writeFile(join(configDir, 'config.json'), JSON.stringify({ credsStore: 'desktop' }));
    const before = await snapshot(configDir);
    const r = await run({ registries: A, 'login-method': 'config-file' });
    expect(r.exitCode).toBe(1);
    expect(r.errors).toEqual([
      `login-method is config-file, but the docker config sends ${host(A, 'us-east-1')}'s credentials to the credential helper "desktop", ` +
        'so docker would ignore a credential written to the file. Set isolate-config: true (a job-private config), or use login-method: auto.',
    ]);
    expectNoCalls();
    expect(await snapshot(configDir)).toEqual(before);
    expect(r.outputs).toEqual({});
  });

  it('login-method docker without docker on PATH is refused', async () => {
    const r = await run({ registries: A, 'login-method': 'docker' }, { dockerFound: false });
    expect(r.exitCode).toBe(1);
    expect(r.errors).toEqual([
      'login-method is docker, but the docker CLI was not found on PATH. Use login-method: auto or config-file on runners without docker.',
    ]);
    expectNoCalls();
    expect(await readdir(configDir)).toEqual([]);
  });

  it('an unreadable docker config is refused without quoting it', async () => {
    await writeFile(join(configDir, 'config.json'), '{"auths": {"x": {"auth": "c2VjcmV0"}');
    const r = await run({ registries: A });
    expect(r.exitCode).toBe(1);
    expect(r.errors).toEqual([
      `${join(configDir, 'config.json')} is not a JSON object; fix or remove it (it was left unchanged)`,
    ]);
    expectNoCalls();
  });
});
