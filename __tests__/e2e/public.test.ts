// Scenario 4, for real: ECR Public (public.ecr.aws) plus a private registry in one step. public.ecr.aws is
// unreachable here, so the step runs with HTTPS_PROXY pointing at a loopback CONNECT proxy that maps
// public.ecr.aws:443 to a REAL docker-registry serving TLS with a throwaway CA (support/connect-proxy.ts);
// NODE_EXTRA_CA_CERTS (the action's /v2/ proof) and SSL_CERT_FILE (the Go docker CLI) trust that CA. Both
// login methods really authenticate against it, and without the CA both really fail.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireTool } from '../support/tools.js';
import {
  ACCOUNTS,
  assertNoSecrets,
  type DockerConfigJson,
  errorsOf,
  expectCleanStep,
  expectLoggedIn,
  expectRestored,
  type Job,
  type JobRun,
  type LoginMethod,
  loginMethods,
  newJob,
  outputKey,
  parseConfig,
  readJobConfigText,
  realRegistriesAvailable,
  runJob,
  startWorld,
  type World,
} from './helpers.js';

const REAL = realRegistriesAvailable();
const DOCKER = requireTool('docker');
const METHODS = loginMethods();
const A1 = ACCOUNTS[0];
const PUBLIC = 'public.ecr.aws';
const SEED: DockerConfigJson = {
  auths: { 'ghcr.io': { auth: Buffer.from('octocat:ghp_notARealToken0000').toString('base64') } },
  proxies: { default: { httpsProxy: 'http://corp-proxy.example:3128' } },
  'x-user-key': { keep: true },
};

async function expectPublicLogin(world: World, job: Job, run: JobRun, method: LoginMethod, hosts: string[]) {
  expectCleanStep(run.main);
  expect(errorsOf(run.main)).toEqual([]);
  expect(run.main.exitCode).toBe(0);
  expect(run.main.outputs.registries).toBe(hosts.join(','));
  const via = method === 'docker' ? 'docker CLI' : 'config file';
  for (const host of hosts) {
    expect(run.main.outputs[`docker_username_${outputKey(host)}`]).toBe('AWS');
    expect(run.main.outputs[`docker_password_${outputKey(host)}`]).toBe(world.tokenPasswordOf(host));
    expect(run.main.stdout).toContain(`Logged in to ${host} (${via})`);
  }
  const during = parseConfig(run.configAfterMain);
  await expectLoggedIn(world, during, hosts);
  expect(during.proxies).toEqual(SEED.proxies);
  expect(during['x-user-key']).toEqual(SEED['x-user-key']);
  expectCleanStep(run.post);
  expect(run.post?.exitCode).toBe(0);
  await expectRestored(job, hosts);
  assertNoSecrets(run, world.secrets);
}

describe.skipIf(!REAL)('e2e: ECR Public through a CONNECT proxy to a real TLS registry', () => {
  let world: World;
  beforeAll(async () => {
    world = await startWorld({ accounts: [A1], regions: ['eu-west-1'], public: true });
  });
  afterAll(async () => world?.close());

  it.each(METHODS)('4. login-method %s: ECR Public plus private, one token call each', async (method) => {
    const pub = world.public;
    if (!pub) throw new Error('no public world');
    const job = await newJob({ seed: SEED });
    const from = world.ecr.requests.length;
    const connectsBefore = pub.proxy.connects.length;
    const run = await runJob(world, job, {
      inputs: {
        registries: `public.ecr.aws/alias/app:latest, ${A1}\npublic.ecr.aws/other/tool@sha256:${'b'.repeat(64)}`,
        region: 'eu-west-1',
        'login-method': method,
      },
    });
    // Through the proxy: only public.ecr.aws:443 was asked for, and every tunnel was routed.
    const connects = pub.proxy.connects.slice(connectsBefore);
    expect(connects.length).toBeGreaterThanOrEqual(1);
    expect(new Set(connects.map((c) => c.target))).toEqual(new Set([`${PUBLIC}:443`]));
    expect(connects.every((c) => c.routed)).toBe(true);
    expect(pub.proxy.plainRequests).toEqual([]);
    // One ECR Public call (in us-east-1, whatever the job's region), one private call in eu-west-1.
    const calls = world.ecr.requests.slice(from);
    expect(calls.map((c) => [c.service, c.region, c.status]).sort()).toEqual([
      ['ecr', 'eu-west-1', 200],
      ['ecr-public', 'us-east-1', 200],
    ]);
    const privateHost = world.get(A1, 'eu-west-1').loginHost;
    await expectPublicLogin(world, job, run, method, [PUBLIC, privateHost]);
    await job.cleanup();
  });

  it('registry-type: public with no registries logs in to public.ecr.aws alone', async () => {
    const job = await newJob({ seed: SEED });
    const from = world.ecr.requests.length;
    const run = await runJob(world, job, { inputs: { 'registry-type': 'public' } });
    expect(world.ecr.requests.slice(from).map((c) => c.service)).toEqual(['ecr-public']);
    expect(run.main.outputs.registry).toBe(PUBLIC);
    await expectPublicLogin(world, job, run, 'auto', [PUBLIC]);
    await job.cleanup();
  });

  it('the TLS is real: without NODE_EXTRA_CA_CERTS the /v2/ proof fails on the certificate', async () => {
    const job = await newJob({ seed: SEED });
    const run = await runJob(world, job, {
      inputs: { registries: PUBLIC },
      env: { NODE_EXTRA_CA_CERTS: undefined },
    });
    expect(run.main.exitCode).toBe(1);
    const errors = errorsOf(run.main);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain(PUBLIC);
    expect(errors[0]).toMatch(/certificate|issuer|CERT/i);
    expect(await readJobConfigText(job)).toBe(job.seedText);
    assertNoSecrets(run, world.secrets);
    await job.cleanup();
  });

  it.skipIf(!DOCKER)(
    'the TLS is real: without SSL_CERT_FILE docker login fails on the certificate',
    async () => {
      const job = await newJob({ seed: SEED });
      const run = await runJob(world, job, {
        inputs: { registries: PUBLIC, 'login-method': 'docker' },
        env: { SSL_CERT_FILE: undefined },
      });
      expect(run.main.exitCode).toBe(1);
      const errors = errorsOf(run.main);
      expect(errors).toHaveLength(1);
      expect(errors[0]).toContain(PUBLIC);
      expect(errors[0]).toMatch(/x509|certificate/i);
      expect(parseConfig(await readJobConfigText(job))).toEqual(SEED);
      assertNoSecrets(run, world.secrets);
      await job.cleanup();
    },
  );
});

// The throwaway CA made without the openssl CLI (node:crypto + a minimal DER encoder) must satisfy both
// verifiers as well: node's (the proof) and Go's (the docker CLI), which is the stricter one.
describe.skipIf(!REAL)('e2e: ECR Public with a node:crypto-made CA', () => {
  let world: World;
  beforeAll(async () => {
    world = await startWorld({ accounts: [A1], regions: ['us-east-1'], public: { certTool: 'node' } });
  });
  afterAll(async () => world?.close());

  it.each(METHODS)('login-method %s authenticates against public.ecr.aws', async (method) => {
    expect(world.public?.tls.tool).toBe('node');
    const job = await newJob({ seed: SEED });
    const run = await runJob(world, job, { inputs: { registries: PUBLIC, 'login-method': method } });
    await expectPublicLogin(world, job, run, method, [PUBLIC]);
    await job.cleanup();
  });
});
