// registry-roles end to end: the real bundles under the runner emulator, the STS stand-in beside the ECR
// stand-in, real registries behind every token. Proves which key signed which token call, that each role
// is assumed once (chained from the step's own credentials, session named after the run), that a denied
// role fails only its registries, and that a role's secrets never reach the log.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { accessKeyIdForRole, credentialsForRole, DEFAULT_CALLER } from '../support/sts-stand-in.js';
import {
  ACCOUNTS,
  assertNoSecrets,
  DUMMY_AWS_ENV,
  errorsOf,
  expectLoggedIn,
  expectNoCredentials,
  type JobRun,
  newJob,
  parseConfig,
  readJobConfig,
  realRegistriesAvailable,
  runJob,
  startWorld,
  type World,
} from './helpers.js';

const [A, B, C] = ACCOUNTS; // A: the job's own account; B: reached through a role; C: a role the job may not assume
const ROLE_B = `arn:aws:iam::${B}:role/ecr-push`;
const ROLE_C = `arn:aws:iam::${C}:role/ecr-push`;
const JOB_KEY = DUMMY_AWS_ENV.AWS_ACCESS_KEY_ID ?? '';
const JOB_SECRET = DUMMY_AWS_ENV.AWS_SECRET_ACCESS_KEY ?? '';
const RUN_ID = '7654321098';

describe.skipIf(!realRegistriesAvailable())('registry-roles', () => {
  let world: World;
  const runs: JobRun[] = [];

  beforeAll(async () => {
    world = await startWorld({ accounts: [A, B, C], regions: ['us-east-1', 'eu-west-1'] });
  });
  afterAll(async () => {
    await world?.close();
  });
  afterEach(async () => {
    world.ecr.requests.length = 0;
    world.sts.requests.length = 0;
    world.sts.config.deniedRoles = [];
    world.sts.config.latencyMs = 0;
    await Promise.all(runs.splice(0).map((r) => r.cleanup()));
  });

  const reg = (account: string, region: string) => world.get(account, region);

  /** main, then post; `configAfterMain` is the docker config between them, `after()` the one after post. */
  async function run(inputs: Record<string, string>) {
    const job = await newJob();
    const r = await runJob(world, job, { inputs, env: { GITHUB_RUN_ID: RUN_ID }, debug: false });
    runs.push(r);
    return Object.assign(r, { after: () => readJobConfig(job) });
  }

  /** The ECR calls that asked for `account` in `region`. */
  const callsFor = (account: string, region: string) =>
    world.ecr.requests.filter(
      (q) =>
        q.region === region &&
        ((q.body as { registryIds?: string[] } | undefined)?.registryIds ?? []).includes(account),
    );
  const assumeCalls = () => world.sts.requests.filter((q) => q.action === 'AssumeRole');

  it('signs each role registry’s token call with the role’s key, and assumes a role once for two regions', async () => {
    world.sts.config.latencyMs = 50; // both regions' token calls wait on the one AssumeRole in flight
    const sites = [reg(A, 'us-east-1'), reg(B, 'eu-west-1'), reg(B, 'us-east-1'), reg(C, 'eu-west-1')];
    const r = await run({
      region: 'eu-west-1',
      // An account ID (in `region`) and hosts; the role is named once by account ID, once by host. A shares
      // us-east-1 and C shares eu-west-1 with B but have no role: token calls of their own, signed by the job.
      registries: [
        reg(A, 'us-east-1').ecrHost,
        B,
        reg(B, 'us-east-1').ecrHost,
        reg(C, 'eu-west-1').ecrHost,
      ].join(', '),
      'registry-roles': `${B}=${ROLE_B}\n${reg(B, 'us-east-1').ecrHost} = ${ROLE_B}`,
    });
    expect(r.main.stderr).not.toMatch(/error/i);
    expect(r.main.succeeded).toBe(true);

    // One AssumeRole, chained from the step's own key, session named after the run, at AWS_ENDPOINT_URL_STS.
    expect(assumeCalls()).toHaveLength(1);
    expect(assumeCalls()[0]).toMatchObject({ roleArn: ROLE_B, accessKeyId: JOB_KEY, status: 200 });
    expect(assumeCalls()[0]?.roleSessionName).toContain(RUN_ID);

    // Role registries: signed with the role's key and session token. The others: the job's key.
    const role = credentialsForRole(ROLE_B);
    for (const region of ['eu-west-1', 'us-east-1']) {
      const calls = callsFor(B, region);
      expect(calls, region).toHaveLength(1);
      expect(calls[0]).toMatchObject({ accessKeyId: accessKeyIdForRole(ROLE_B), status: 200 });
      expect(calls[0]?.sessionToken).toBe(role.sessionToken);
      // Grouped per (role, region): B's calls ask for B alone, never for the job's registry beside it.
      expect(calls[0]?.body).toEqual({ registryIds: [B] });
    }
    for (const [account, region] of [
      [A, 'us-east-1'],
      [C, 'eu-west-1'],
    ] as const) {
      const own = callsFor(account, region);
      expect(own, account).toHaveLength(1);
      expect(own[0]).toMatchObject({ accessKeyId: JOB_KEY, status: 200, body: { registryIds: [account] } });
      expect(own[0]?.sessionToken).toBeUndefined();
    }
    expect(world.ecr.requests).toHaveLength(4);

    // Each stored credential really opens its registry; the table names the role on B's two rows.
    expect(r.main.outputs.registries?.split(',')).toEqual(sites.map((s) => s.loginHost));
    await expectLoggedIn(
      world,
      parseConfig(r.configAfterMain),
      sites.map((s) => s.loginHost),
    );
    const rows = r.main.summary.split('\n').filter((l) => l.includes(`role ${ROLE_B}`));
    expect(rows.map((l) => l.split(' | ')[0]?.replace(/[|` ]/g, ''))).toEqual([
      reg(B, 'eu-west-1').loginHost,
      reg(B, 'us-east-1').loginHost,
    ]);

    expect(r.post?.succeeded).toBe(true);
    expectNoCredentials(
      await r.after(),
      sites.map((s) => s.loginHost),
    );
  });

  it('a denied AssumeRole fails that role’s registries, naming role and principal; the others log in', async () => {
    world.sts.config.deniedRoles = [ROLE_C];
    const ok = [reg(A, 'us-east-1'), reg(B, 'eu-west-1')];
    const denied = reg(C, 'eu-west-1');
    const r = await run({
      registries: [...ok, denied].map((s) => s.ecrHost).join('\n'),
      'registry-roles': `${reg(B, 'eu-west-1').ecrHost}=${ROLE_B}\n${denied.ecrHost}=${ROLE_C}`,
    });
    expect(r.main.exitCode).toBe(1);
    const errors = errorsOf(r.main);
    expect(errors).toHaveLength(1);
    const error = errors[0] ?? '';
    expect(error).toContain(denied.ecrHost);
    expect(error).toContain(ROLE_C);
    expect(error).toContain(DEFAULT_CALLER.Arn); // who tried: the step's own principal
    expect(error).toContain('sts:AssumeRole');
    for (const s of ok) expect(error).not.toContain(s.ecrHost);
    expect(r.main.stdout).not.toMatch(/^\s+at /m);

    // Nothing was asked of ECR for C (no credentials); A and B logged in and their credentials work.
    expect(callsFor(C, 'eu-west-1')).toHaveLength(0);
    expect(assumeCalls().map((q) => q.roleArn)).toEqual(expect.arrayContaining([ROLE_B, ROLE_C]));
    expect(r.main.outputs.registries).toBe(ok.map((s) => s.loginHost).join(','));
    const afterMain = parseConfig(r.configAfterMain);
    await expectLoggedIn(
      world,
      afterMain,
      ok.map((s) => s.loginHost),
    );
    expectNoCredentials(afterMain, [denied.loginHost]);

    // The summary shows the failed row with its cause next to the two successes.
    const failedRow = r.main.summary.split('\n').find((l) => l.includes(denied.ecrHost)) ?? '';
    expect(failedRow).toContain('❌');
    expect(failedRow).toContain(ROLE_C);
    expect(r.main.summary).toContain('1 of 3 failed');

    // Post (always() after a failed main) removes the two logins.
    expect(r.post?.succeeded).toBe(true);
    expectNoCredentials(
      await r.after(),
      ok.map((s) => s.loginHost),
    );
  });

  it('cross-account promotion: the job’s account and a role’s account in one step, secrets kept out of the log', async () => {
    const source = reg(A, 'us-east-1');
    const target = reg(B, 'eu-west-1');
    const r = await run({
      region: 'us-east-1',
      registries: `${A}\n${target.ecrHost}`,
      'registry-roles': `${target.ecrHost}=${ROLE_B}`,
    });
    expect(r.main.succeeded).toBe(true);
    expect(world.sts.requests.map((q) => [q.action, q.roleArn, q.accessKeyId])).toEqual([
      ['AssumeRole', ROLE_B, JOB_KEY],
    ]);
    expect(callsFor(A, 'us-east-1').map((c) => c.accessKeyId)).toEqual([JOB_KEY]);
    expect(callsFor(B, 'eu-west-1').map((c) => c.accessKeyId)).toEqual([accessKeyIdForRole(ROLE_B)]);

    // Pull from A, push to B: each stored credential opens its own registry and not the other one.
    const stored = parseConfig(r.configAfterMain).auths ?? {};
    const fromA = stored[source.loginHost]?.auth ?? '';
    const toB = stored[target.loginHost]?.auth ?? '';
    expect(await world.checkStoredAuth(source.loginHost, fromA)).toBe(200);
    expect(await world.checkStoredAuth(target.loginHost, toB)).toBe(200);
    expect(await world.checkStoredAuth(target.loginHost, fromA)).toBe(401);
    expect(await world.checkStoredAuth(source.loginHost, toB)).toBe(401);

    // The role's secret key and session token: masked before use, printed nowhere else, stored nowhere
    // (docker config, outputs, state, env, summary), in main or post. The job's secret key: never printed.
    const role = credentialsForRole(ROLE_B);
    expect(r.main.masks).toEqual(expect.arrayContaining([role.secretAccessKey, role.sessionToken]));
    expect(r.main.maskedLog).not.toContain(role.secretAccessKey);
    assertNoSecrets(r, [...world.secrets, role.secretAccessKey, role.sessionToken]);
    for (const step of [r.main, r.post]) {
      expect(`${step?.stdout}${step?.stderr}`).not.toContain(JOB_SECRET);
    }
    // The role's secrets are in no file at all, not even the docker config (only ECR tokens are stored).
    expect(r.configAfterMain).not.toContain(role.secretAccessKey);
    expect(r.configAfterMain).not.toContain(role.sessionToken);

    expect(r.post?.succeeded).toBe(true);
    expectNoCredentials(await r.after(), [source.loginHost, target.loginHost]);
  });
});
