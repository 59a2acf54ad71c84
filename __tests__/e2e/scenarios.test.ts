// End to end: the built action (dist/main, dist/post) run by the runner emulator against REAL
// docker-registry processes and the loopback ECR stand-in, with both login methods (auto = direct config
// write after a /v2/ proof; docker = the real docker CLI). Every scenario checks the outputs, the docker
// config after main (each stored credential really opens its registry) and after post (nothing of ours
// left, everything of the user's unchanged), and scans logs and files for the secrets (RUNNER_DEBUG=1).
// ECR Public (scenario 4) is in public.test.ts; malformed inputs are in bad-inputs.test.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordedRequest } from '../support/ecr-stand-in.js';
import {
  ACCOUNTS,
  assertNoSecrets,
  type DockerConfigJson,
  ecrHost,
  errorsOf,
  expectCleanStep,
  expectLoggedIn,
  expectNoCredentials,
  expectRestored,
  expectSeedKept,
  findSecretLeaks,
  type Job,
  type JobRun,
  type LoginMethod,
  loginMethods,
  masksOf,
  newJob,
  outputKey,
  parseConfig,
  pathWithout,
  readJobConfigText,
  realRegistriesAvailable,
  runJob,
  startWorld,
  type World,
} from './helpers.js';

const REAL = realRegistriesAvailable();
const METHODS = loginMethods();
const [A1, A2] = [ACCOUNTS[0], ACCOUNTS[1]];
const b64 = (s: string) => Buffer.from(s).toString('base64');

/** A config a developer's machine or a self-hosted runner might have: none of it is ours. */
const SEED: DockerConfigJson = {
  auths: {
    'ghcr.io': { auth: b64('octocat:ghp_notARealToken0000') },
    'https://index.docker.io/v1/': { auth: b64('someone:dockerhub-not-real') },
    'registry.example.com:5000': { auth: b64('u:p'), email: 'ci@example.com' },
  },
  credHelpers: { 'gcr.io': 'gcloud', '999999999999.dkr.ecr.us-east-1.amazonaws.com': 'ecr-login' },
  proxies: { default: { httpProxy: 'http://proxy.example:3128', noProxy: '*.internal,10.0.0.0/8' } },
  psFormat: 'table {{.ID}}\\t{{.Names}}',
  detachKeys: 'ctrl-e,e',
  'x-unknown-tool': { nested: [1, 'two', null, true], deep: { a: { b: 'c' } } },
  someFutureKey: 'keep me',
};
/** A small unrelated seed for scenarios that are not about the config's other entries. */
const SMALL_SEED: DockerConfigJson = { auths: { 'ghcr.io': { auth: b64('octocat:ghp_notARealToken0000') } } };

const since = (world: World, from: number): RecordedRequest[] => world.ecr.requests.slice(from);
const ids = (r: RecordedRequest) =>
  ((r.body as { registryIds?: string[] } | undefined)?.registryIds ?? []).slice();

interface Expected {
  method: LoginMethod;
  /** Login hosts (docker config keys) expected logged in, in output order. */
  hosts: string[];
  skipLogout?: boolean;
}

/** main succeeded: outputs, the config after main (credentials work, seed kept), log lines, summary. */
async function expectMainLoggedIn(world: World, job: Job, run: JobRun, want: Expected) {
  expectCleanStep(run.main);
  expect(errorsOf(run.main)).toEqual([]);
  expect(run.main.exitCode).toBe(0);
  const out = run.main.outputs;
  expect(out.registries).toBe(want.hosts.join(','));
  expect(out.registry).toBe(want.hosts.length === 1 ? want.hosts[0] : undefined);
  expect(out['docker-config']).toBe(job.configDir);
  const expiresAt = Date.parse(out['expires-at'] ?? '');
  expect(expiresAt).toBeGreaterThan(Date.now() + 11 * 3600_000);
  expect(expiresAt).toBeLessThan(Date.now() + 13 * 3600_000);
  const via = want.method === 'docker' ? 'docker CLI' : 'config file';
  for (const host of want.hosts) {
    expect(out[`docker_username_${outputKey(host)}`]).toBe('AWS');
    expect(out[`docker_password_${outputKey(host)}`]).toBe(world.tokenPasswordOf(host));
    expect(run.main.stdout).toContain(`Logged in to ${host} (${via})`);
    expect(run.main.summary).toContain(`\`${host}\``);
  }
  const config = parseConfig(run.configAfterMain);
  await expectLoggedIn(world, config, want.hosts);
  expectSeedKept(job.seed, config);
  // Nothing but our hosts was added.
  const added = Object.keys(config.auths ?? {}).filter((k) => !(k in (job.seed?.auths ?? {})));
  expect(added.sort()).toEqual([...want.hosts].sort());
}

/** post: exit 0, and either nothing of ours left with the seed intact, or (skip-logout) all still there. */
async function expectPostCleaned(world: World, job: Job, run: JobRun, want: Expected) {
  expectCleanStep(run.post);
  expect(run.post?.exitCode).toBe(0);
  expect(errorsOf(run.post)).toEqual([]);
  if (want.skipLogout) {
    expect(run.post?.stdout).toContain('skip-logout');
    const config = parseConfig(await readJobConfigText(job));
    await expectLoggedIn(world, config, want.hosts);
    expectSeedKept(job.seed, config);
    return;
  }
  await expectRestored(job, want.hosts);
  if (want.method === 'auto' && job.seedText !== undefined) {
    // The action writes the file as it found it (tab-indented, final newline): byte-for-byte the seed.
    expect(await readJobConfigText(job)).toBe(job.seedText);
  }
}

describe.skipIf(!REAL)('e2e scenarios: one region, two accounts', () => {
  let world: World;
  beforeAll(async () => {
    world = await startWorld({ accounts: [A1, A2], regions: ['us-east-1'] });
  });
  afterAll(async () => world?.close());

  describe.each(METHODS)('login-method %s', (method) => {
    it('1. default registry (empty `registries`): the caller’s own, one API call without registryIds', async () => {
      const job = await newJob({ seed: SMALL_SEED });
      const from = world.ecr.requests.length;
      const run = await runJob(world, job, { inputs: { region: 'us-east-1', 'login-method': method } });
      const hosts = [world.get(A1, 'us-east-1').loginHost];
      await expectMainLoggedIn(world, job, run, { method, hosts });
      const calls = since(world, from);
      expect(calls).toHaveLength(1);
      expect(calls[0]).toMatchObject({ region: 'us-east-1', status: 200, service: 'ecr' });
      expect(ids(calls[0] as RecordedRequest)).toEqual([]);
      await expectPostCleaned(world, job, run, { method, hosts });
      assertNoSecrets(run, world.secrets);
      // The scan is not vacuous: values that are in the log and in GITHUB_STATE are found there.
      const probe = findSecretLeaks(run, [`Logged in to ${hosts[0]}`, `"host":"${hosts[0]}"`]);
      expect(probe.map((v) => `${v.kind}:${v.secret}`)).toEqual(
        expect.arrayContaining(['before-mask:0', 'file:1']),
      );
      expect(probe.find((v) => v.kind === 'file')?.where).toMatch(/main_state_\d+$/);
      await job.cleanup();
    });

    it('3. account IDs mixed with image URIs and duplicates: one call, one login per host, input order', async () => {
      const job = await newJob({ seed: SMALL_SEED });
      const from = world.ecr.requests.length;
      const registries = [
        A2,
        `${ecrHost(A1, 'us-east-1')}/team/app:1.2.3`,
        `https://${ecrHost(A2, 'us-east-1')}/base@sha256:${'a'.repeat(64)}`,
        `  ${A1}  `,
        `${ecrHost(A1, 'US-EAST-1').toUpperCase()}/pull-through/docker-hub/library/nginx`,
        A2,
      ].join(',\n');
      const run = await runJob(world, job, {
        inputs: { registries, region: 'us-east-1', 'login-method': method },
      });
      const hosts = [world.get(A2, 'us-east-1').loginHost, world.get(A1, 'us-east-1').loginHost];
      await expectMainLoggedIn(world, job, run, { method, hosts });
      const calls = since(world, from);
      expect(calls).toHaveLength(1);
      expect(ids(calls[0] as RecordedRequest)).toEqual([A2, A1]);
      await expectPostCleaned(world, job, run, { method, hosts });
      assertNoSecrets(run, world.secrets);
      await job.cleanup();
    });

    it('5. a pre-existing config (other auths, credHelpers, proxies, unknown keys) is kept exactly', async () => {
      const job = await newJob({ seed: SEED });
      const run = await runJob(world, job, {
        inputs: { registries: world.hosts().join('\n'), 'login-method': method },
      });
      const hosts = world.loginHosts();
      await expectMainLoggedIn(world, job, run, { method, hosts });
      // During the job: the user's entries are there, unchanged, next to ours.
      const during = parseConfig(run.configAfterMain);
      const { auths: _a, ...rest } = during;
      const { auths: _s, ...seedRest } = SEED;
      expect(rest).toEqual(seedRest);
      await expectPostCleaned(world, job, run, { method, hosts });
      // After post: the parsed config deep-equals the original.
      expect(parseConfig(await readJobConfigText(job))).toEqual(SEED);
      assertNoSecrets(run, world.secrets);
      await job.cleanup();
    });

    it('6. skip-logout: true leaves the working credentials in place after post', async () => {
      const job = await newJob({ seed: SMALL_SEED });
      const run = await runJob(world, job, {
        inputs: { registries: world.hosts().join(','), 'skip-logout': true, 'login-method': method },
      });
      const hosts = world.loginHosts();
      await expectMainLoggedIn(world, job, run, { method, hosts });
      await expectPostCleaned(world, job, run, { method, hosts, skipLogout: true });
      assertNoSecrets(run, world.secrets);
      await job.cleanup();
    });
  });

  it('7. mask-password: false: the password output is present and not masked; the token still is', async () => {
    const job = await newJob({ seed: SMALL_SEED });
    const run = await runJob(world, job, {
      inputs: { registries: world.hosts()[0] ?? '', 'mask-password': false },
    });
    const host = world.get(A1, 'us-east-1').loginHost;
    await expectMainLoggedIn(world, job, run, { method: 'auto', hosts: [host] });
    const pw = world.tokenPasswordOf(host);
    expect(run.main.outputs[`docker_password_${outputKey(host)}`]).toBe(pw);
    const masks = masksOf(run.main);
    expect(masks).not.toContain(pw);
    expect(masks).toContain(b64(`AWS:${pw}`));
    // Masks of the other form never cover the password either (no mask is a substring of it).
    expect(masks.some((m) => pw.includes(m))).toBe(false);
    await expectPostCleaned(world, job, run, { method: 'auto', hosts: [host] });
    assertNoSecrets(run, world.secrets);
    await job.cleanup();
  });

  it('12a. docker not on PATH, login-method auto, no credential helper: the config-file method works', async () => {
    const job = await newJob({ seed: SMALL_SEED });
    const run = await runJob(world, job, {
      inputs: { registries: world.hosts().join(',') },
      env: { PATH: pathWithout('docker') },
    });
    const hosts = world.loginHosts();
    await expectMainLoggedIn(world, job, run, { method: 'auto', hosts });
    await expectPostCleaned(world, job, run, { method: 'auto', hosts });
    assertNoSecrets(run, world.secrets);
    await job.cleanup();
  });

  it('12b. docker not on PATH, login-method docker: a clear error naming docker and PATH, before any API call', async () => {
    const job = await newJob({ seed: SEED });
    const from = world.ecr.requests.length;
    const run = await runJob(world, job, {
      inputs: { registries: world.hosts().join(','), 'login-method': 'docker' },
      env: { PATH: pathWithout('docker') },
    });
    expectCleanStep(run.main);
    expect(run.main.exitCode).toBe(1);
    const errors = errorsOf(run.main);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/docker/);
    expect(errors[0]).toMatch(/PATH/);
    expect(since(world, from)).toEqual([]);
    expect(world.sts.requests).toEqual([]);
    expect(run.post?.exitCode).toBe(0);
    expect(await readJobConfigText(job)).toBe(job.seedText);
    assertNoSecrets(run, world.secrets);
    await job.cleanup();
  });
});

describe.skipIf(!REAL)('e2e scenarios: 2 accounts x 3 regions in one step', () => {
  const regions = ['us-east-1', 'eu-west-1', 'ap-southeast-2'];
  const LATENCY = 1000;
  let world: World;
  beforeAll(async () => {
    world = await startWorld({ accounts: [A1, A2], regions, faults: { latencyMs: LATENCY } });
  });
  afterAll(async () => world?.close());

  it.each(METHODS)(
    '2. login-method %s: one API call per region, all at once, six working logins',
    async (method) => {
      const job = await newJob({ seed: SMALL_SEED });
      const from = world.ecr.requests.length;
      const run = await runJob(world, job, {
        inputs: { registries: world.hosts().join('\n'), 'login-method': method },
      });
      const hosts = world.loginHosts();
      expect(hosts).toHaveLength(6);
      await expectMainLoggedIn(world, job, run, { method, hosts });

      const calls = since(world, from);
      expect(calls).toHaveLength(3);
      expect(calls.map((c) => c.region).sort()).toEqual([...regions].sort());
      for (const c of calls) {
        expect(c.status).toBe(200);
        expect(ids(c).sort()).toEqual([A1, A2].sort());
      }
      // Concurrent: every call arrived before the first answer (each answer takes LATENCY ms).
      const first = Math.min(...calls.map((c) => c.at));
      const last = Math.max(...calls.map((c) => c.at));
      expect(last - first).toBeLessThan(LATENCY);

      await expectPostCleaned(world, job, run, { method, hosts });
      assertNoSecrets(run, world.secrets);
      await job.cleanup();
    },
  );
});

describe.skipIf(!REAL)('e2e scenarios: a registry refuses the credential', () => {
  const regions = ['us-east-1', 'eu-west-1'];
  let world: World;
  beforeAll(async () => {
    // The 4th registry (A2 in eu-west-1) gets a token the registry's htpasswd does not accept: a real 401.
    world = await startWorld({ accounts: [A1, A2], regions, rejectedBy: [`${A2}/eu-west-1`] });
  });
  afterAll(async () => world?.close());

  it.each(METHODS)(
    '8. login-method %s: the step fails naming the 4th; post still cleans 1–3',
    async (method) => {
      const job = await newJob({ seed: SEED });
      const run = await runJob(world, job, {
        inputs: { registries: world.hosts().join(','), 'login-method': method },
      });
      const fourth = world.get(A2, 'eu-west-1').loginHost;
      const good = world.loginHosts((r) => r.loginHost !== fourth);
      expect(good).toHaveLength(3);

      expectCleanStep(run.main);
      expect(run.main.exitCode).toBe(1);
      const errors = errorsOf(run.main);
      expect(errors).toHaveLength(1);
      expect(errors[0]).toContain('1 registry failed');
      expect(errors[0]).toContain(fourth);
      expect(errors[0]).toContain('eu-west-1');
      expect(errors[0]).toMatch(/401|unauthorized/i);
      for (const h of good) expect(errors[0]).not.toContain(h);
      expect(run.main.outputs.registries).toBe(good.join(','));
      expect(run.main.summary).toContain('failed');
      expect(run.main.summary).toContain(`\`${fourth}\``);

      const during = parseConfig(run.configAfterMain);
      await expectLoggedIn(world, during, good);
      expectNoCredentials(during, [fourth]);
      expectSeedKept(SEED, during);

      expectCleanStep(run.post);
      expect(run.post?.exitCode).toBe(0);
      await expectRestored(job, [...good, fourth]);
      expect(parseConfig(await readJobConfigText(job))).toEqual(SEED);
      assertNoSecrets(run, world.secrets);
      await job.cleanup();
    },
  );
});

describe.skipIf(!REAL)('e2e scenarios: API faults', () => {
  it('9. the first 3 API calls are throttled: retried with backoff, then success', async () => {
    const world = await startWorld({ accounts: [A1], regions: ['us-east-1'], faults: { throttleFirst: 3 } });
    try {
      const job = await newJob({ seed: SMALL_SEED });
      const run = await runJob(world, job, { inputs: { registries: world.hosts().join(',') } });
      const hosts = world.loginHosts();
      await expectMainLoggedIn(world, job, run, { method: 'auto', hosts });
      const calls = world.ecr.requests;
      expect(calls.map((c) => c.errorCode ?? c.status)).toEqual([
        'ThrottlingException',
        'ThrottlingException',
        'ThrottlingException',
        200,
      ]);
      await expectPostCleaned(world, job, run, { method: 'auto', hosts });
      assertNoSecrets(run, world.secrets);
      await job.cleanup();
    } finally {
      await world.close();
    }
  });

  it('10. the API hangs: the step fails in bounded time, naming the endpoint', async () => {
    const world = await startWorld({ registries: false, faults: { hang: true } });
    try {
      const job = await newJob({ seed: SMALL_SEED });
      const run = await runJob(world, job, {
        inputs: { registries: world.hosts().join(','), 'api-timeout-seconds': 2, 'max-attempts': 2 },
        timeoutMs: 90_000,
      });
      expectCleanStep(run.main);
      expect(run.main.exitCode).toBe(1);
      // 2 attempts x 2 s + backoff; generous for a loaded machine, far below the 90 s kill.
      expect(run.main.durationMs).toBeLessThan(45_000);
      const errors = errorsOf(run.main);
      expect(errors).toHaveLength(1);
      expect(errors[0]).toContain(world.ecr.url);
      expect(errors[0]).toContain('us-east-1');
      expect(world.ecr.requests.length).toBeGreaterThanOrEqual(1);
      expect(world.ecr.requests.length).toBeLessThanOrEqual(2);
      expect(run.post?.exitCode).toBe(0);
      expect(await readJobConfigText(job)).toBe(job.seedText);
      assertNoSecrets(run, world.secrets);
      await job.cleanup();
    } finally {
      await world.close();
    }
  });

  it('11. AccessDenied in one region: the error names the region and ecr:GetAuthorizationToken; the others log in', async () => {
    const world = await startWorld({
      accounts: [A1],
      regions: ['us-east-1', 'eu-central-1'],
      faults: { accessDeniedRegions: ['eu-central-1'] },
    });
    try {
      const job = await newJob({ seed: SMALL_SEED });
      const run = await runJob(world, job, { inputs: { registries: world.hosts().join(',') } });
      const ok = world.get(A1, 'us-east-1').loginHost;
      expectCleanStep(run.main);
      expect(run.main.exitCode).toBe(1);
      const errors = errorsOf(run.main);
      expect(errors).toHaveLength(1);
      expect(errors[0]).toContain('eu-central-1');
      expect(errors[0]).toContain('ecr:GetAuthorizationToken');
      expect(errors[0]).toContain('AccessDenied');
      expect(errors[0]).toContain(ecrHost(A1, 'eu-central-1'));
      expect(errors[0]).not.toContain(ok);
      expect(run.main.outputs.registries).toBe(ok);
      const during = parseConfig(run.configAfterMain);
      await expectLoggedIn(world, during, [ok]);
      expect(Object.keys(during.auths ?? {}).sort()).toEqual(['ghcr.io', ok].sort());
      expect(run.post?.exitCode).toBe(0);
      await expectRestored(job, [ok]);
      assertNoSecrets(run, world.secrets);
      await job.cleanup();
    } finally {
      await world.close();
    }
  });
});
