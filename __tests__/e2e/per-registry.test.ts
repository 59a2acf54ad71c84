// Per-registry credentials end to end: the real bundles under the runner emulator, the ECR and STS
// stand-ins recording which key signed each call, real registries behind every token, real skopeo.
// An account-wide role for a promotion, two named profiles from a shared config file (static keys, and
// role_arn + source_profile answered by the STS stand-in through AWS_ENDPOINT_URL_STS), a profile with a
// role on top, and an alias host in front of a real registry.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, removeDir } from '../support/daemon.js';
import { runStep } from '../support/runner.js';
import { accessKeyIdForRole, credentialsForRole } from '../support/sts-stand-in.js';
import { requireTool } from '../support/tools.js';
import { clientEnv, skopeoView } from './clients.js';
import {
  ACCOUNTS,
  assertNoSecrets,
  DUMMY_AWS_ENV,
  errorsOf,
  expectLoggedIn,
  expectNoCredentials,
  type JobRun,
  newJob,
  outputKey,
  parseConfig,
  readJobConfig,
  realRegistriesAvailable,
  runJob,
  startWorld,
  type World,
} from './helpers.js';

const [A, B, C] = ACCOUNTS;
const ROLE_B = `arn:aws:iam::${B}:role/ecr-push`;
const ROLE_C = `arn:aws:iam::${C}:role/ecr-push`;
const JOB_KEY = DUMMY_AWS_ENV.AWS_ACCESS_KEY_ID ?? '';
const PROFILE_KEY = 'AKIAE2EPROFILESTATIC';
const PROFILE_SECRET = 'e2e-profile-static-secret-not-real';
const SOURCE_KEY = 'AKIAE2EPROFILESOURCE';
const SOURCE_SECRET = 'e2e-profile-source-secret-not-real';

describe.skipIf(!(realRegistriesAvailable() && requireTool('skopeo')))('per-registry credentials', () => {
  let world: World;
  let dir: string;
  const runs: JobRun[] = [];

  beforeAll(async () => {
    world = await startWorld({ accounts: [A, B, C], regions: ['us-east-1', 'eu-west-1'] });
    dir = await makeTempDir('profiles');
  });
  afterAll(async () => {
    await world?.close();
    if (dir) await removeDir(dir);
  });
  afterEach(async () => {
    world.ecr.requests.length = 0;
    world.sts.requests.length = 0;
    await Promise.all(runs.splice(0).map((r) => r.cleanup()));
  });

  const reg = (account: string, region: string) => world.get(account, region);
  const signers = (account: string, region: string) =>
    world.ecr.requests
      .filter(
        (q) =>
          q.region === region &&
          ((q.body as { registryIds?: string[] } | undefined)?.registryIds ?? []).includes(account),
      )
      .map((q) => q.accessKeyId);
  const assumed = () =>
    world.sts.requests.filter((q) => q.action === 'AssumeRole').map((q) => [q.roleArn, q.accessKeyId]);

  async function run(inputs: Record<string, string>, env: Record<string, string> = {}) {
    const job = await newJob();
    const r = await runJob(world, job, { inputs, env, debug: false });
    runs.push(r);
    return Object.assign(r, { job, after: () => readJobConfig(job) });
  }

  it('promotion A (us-east-1, job credentials) → B (eu-west-1, a role named by account ID) in one step', async () => {
    const source = reg(A, 'us-east-1');
    const target = reg(B, 'eu-west-1');
    const r = await run({
      region: 'us-east-1',
      registries: `${A}\n${target.ecrHost}`,
      'registry-roles': `${B}=${ROLE_B}`,
    });
    expect(errorsOf(r.main)).toEqual([]);
    expect(r.main.succeeded).toBe(true);
    expect(assumed()).toEqual([[ROLE_B, JOB_KEY]]);
    expect(signers(A, 'us-east-1')).toEqual([JOB_KEY]);
    expect(signers(B, 'eu-west-1')).toEqual([accessKeyIdForRole(ROLE_B)]);
    await expectLoggedIn(world, parseConfig(r.configAfterMain), [source.loginHost, target.loginHost]);
    expect(r.post?.succeeded).toBe(true);
    expectNoCredentials(await r.after(), [source.loginHost, target.loginHost]);
  });

  it('two profiles from a shared config file, each for its own registry; a profile with a role on top', async () => {
    const config = join(dir, 'config');
    const credentials = join(dir, 'credentials');
    await writeFile(
      config,
      [
        '[profile ci-a]',
        'region = us-east-1',
        '[profile ci-b]',
        `role_arn = ${ROLE_B}`,
        'source_profile = source',
        'role_session_name = ci-b-session',
        'region = eu-west-1',
      ].join('\n'),
    );
    await writeFile(
      credentials,
      [
        '[ci-a]',
        `aws_access_key_id = ${PROFILE_KEY}`,
        `aws_secret_access_key = ${PROFILE_SECRET}`,
        '[source]',
        `aws_access_key_id = ${SOURCE_KEY}`,
        `aws_secret_access_key = ${SOURCE_SECRET}`,
      ].join('\n'),
    );
    const sites = [reg(A, 'us-east-1'), reg(B, 'eu-west-1'), reg(C, 'eu-west-1')];
    const r = await run(
      {
        registries: sites.map((s) => s.ecrHost).join('\n'),
        'registry-profiles': `${A}=ci-a\n${B}=ci-b\n${reg(C, 'eu-west-1').ecrHost}=ci-a`,
        'registry-roles': `${C}=${ROLE_C}`,
      },
      { AWS_CONFIG_FILE: config, AWS_SHARED_CREDENTIALS_FILE: credentials },
    );
    expect(errorsOf(r.main)).toEqual([]);
    expect(r.main.succeeded).toBe(true);

    // ci-a: static keys sign A's call; ci-b: the SDK assumes ROLE_B with the source profile's keys;
    // C: ROLE_C assumed with ci-a's keys. The job's own key signs nothing.
    expect(signers(A, 'us-east-1')).toEqual([PROFILE_KEY]);
    expect(signers(B, 'eu-west-1')).toEqual([accessKeyIdForRole(ROLE_B)]);
    expect(signers(C, 'eu-west-1')).toEqual([accessKeyIdForRole(ROLE_C)]);
    expect(assumed()).toEqual(
      expect.arrayContaining([
        [ROLE_B, SOURCE_KEY],
        [ROLE_C, PROFILE_KEY],
      ]),
    );
    expect(assumed()).toHaveLength(2);
    expect(world.sts.requests.find((q) => q.roleArn === ROLE_B)?.roleSessionName).toBe('ci-b-session');

    await expectLoggedIn(
      world,
      parseConfig(r.configAfterMain),
      sites.map((s) => s.loginHost),
    );
    expect(r.main.summary).toContain('profile ci-a');
    expect(r.main.summary).toContain('profile ci-b');
    // The profiles' secrets and the assumed roles' are masked before use and stored nowhere.
    const roleB = credentialsForRole(ROLE_B);
    expect(r.main.masks).toEqual(expect.arrayContaining([PROFILE_SECRET, roleB.secretAccessKey]));
    assertNoSecrets(r, [
      ...world.secrets,
      PROFILE_SECRET,
      SOURCE_SECRET,
      roleB.secretAccessKey,
      roleB.sessionToken,
    ]);
    expect(r.post?.succeeded).toBe(true);
    expectNoCredentials(
      await r.after(),
      sites.map((s) => s.loginHost),
    );
  });

  it('an unknown profile fails before any call, naming it and the profiles found', async () => {
    const config = join(dir, 'only-config');
    await writeFile(
      config,
      `[profile ci-a]\naws_access_key_id = ${PROFILE_KEY}\naws_secret_access_key = ${PROFILE_SECRET}\n`,
    );
    const r = await run(
      { registries: reg(A, 'us-east-1').ecrHost, 'registry-profiles': `${A}=ci-typo` },
      { AWS_CONFIG_FILE: config, AWS_SHARED_CREDENTIALS_FILE: join(dir, 'absent') },
    );
    expect(r.main.exitCode).toBe(1);
    expect(errorsOf(r.main)).toEqual([
      `Input \`registry-profiles\`: profile "ci-typo" not found in ${config} or ${join(dir, 'absent')} (profiles found: "ci-a").`,
    ]);
    expect(world.ecr.requests).toEqual([]);
    expect(`${r.main.stdout}${r.main.stderr}`).not.toContain(PROFILE_SECRET);
    expect(r.configAfterMain).toBeUndefined();
  });

  it('an alias host in front of a real registry: skopeo reaches it with the stored credential; post removes it', async () => {
    const listed = reg(A, 'us-east-1');
    const behind = reg(B, 'eu-west-1'); // not listed: its token serves the alias only
    const alias = behind.loginHost.replace('127.0.0.1', 'localhost'); // a second name for the same port
    const inputs = {
      registries: listed.ecrHost,
      'registry-aliases': `${alias.toUpperCase()}=${behind.ecrHost}`,
    };
    const job = await newJob();
    runs.push(await runJob(world, job, { inputs, steps: ['main'], debug: false }));
    const main = runs[0]?.main;
    const configAfterMain = runs[0]?.configAfterMain;
    expect(errorsOf(main)).toEqual([]);
    expect(main?.succeeded).toBe(true);
    expect(signers(B, 'eu-west-1')).toEqual([JOB_KEY]);

    // Reported like any host; the registry behind it is not logged in (registries does not list it).
    expect(main?.outputs.registries).toBe(`${listed.loginHost},${alias}`);
    expect(main?.outputs[`docker_password_${outputKey(alias)}`]).toBe(behind.tokenPassword);
    expect(main?.summary).toContain(`alias of ${behind.loginHost}`);
    const stored = parseConfig(configAfterMain);
    expect(Object.keys(stored.auths ?? {}).sort()).toEqual([listed.loginHost, alias].sort());

    // A real client, by the alias name, with the stored credential: in after main, out after post.
    const xdg = await makeTempDir('xdg');
    try {
      const env = clientEnv({ home: job.workspace.home, xdg });
      expect(await skopeoView(alias, env)).toBe('authenticated');
      const post = await runStep({
        step: 'post',
        workspace: job.workspace,
        inputs,
        env: { ...world.env, ...job.env },
      });
      expect(post.succeeded).toBe(true);
      expectNoCredentials(await readJobConfig(job), [listed.loginHost, alias]);
      expect(await skopeoView(alias, env)).toBe('unauthorized');
    } finally {
      await removeDir(xdg);
    }
  });

  it('a wrong alias fails at login (the /v2/ check at the alias), not at push', async () => {
    // An alias that reaches a different registry: B's token does not open C's registry.
    const wrong = reg(C, 'us-east-1').loginHost.replace('127.0.0.1', 'localhost');
    const r = await run({
      registries: reg(A, 'us-east-1').ecrHost,
      'registry-aliases': `${wrong}=${reg(B, 'eu-west-1').ecrHost}`,
    });
    expect(r.main.exitCode).toBe(1);
    const errors = errorsOf(r.main);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain(wrong);
    expect(r.main.outputs.registries).toBe(reg(A, 'us-east-1').loginHost);
    expectNoCredentials(parseConfig(r.configAfterMain), [wrong]);
  });
});
