// The job summary and the step log, end to end: 2 accounts x 3 regions behind real registries, the real
// bundles under the runner emulator. A reader of the job page sees one table row per registry (host,
// account, region, how, expiry in UTC) whether the step succeeded or partly failed, and a log with one
// group and one line per registry, no noise, no stack traces.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { requireTool } from '../support/registry.js';
import type { StepResult } from '../support/runner.js';
import { parseCommandLine } from '../support/workflow-commands.js';
import {
  ACCOUNTS as ALL_ACCOUNTS,
  assertNoSecrets,
  errorsOf,
  expectLoggedIn,
  type JobRun,
  type JobRunOptions,
  newJob,
  parseConfig,
  realRegistriesAvailable,
  runJob,
  startWorld,
  type World,
  type WorldRegistry,
} from './helpers.js';

const ACCOUNTS = [ALL_ACCOUNTS[0], ALL_ACCOUNTS[1]];
const REGIONS = ['us-east-1', 'eu-west-1', 'ap-southeast-2'];
const ROLE = `arn:aws:iam::${ACCOUNTS[0]}:role/ci-pull`;
const UTC_SECONDS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;

interface Row {
  host: string;
  account: string;
  region: string;
  how: string;
  expires: string;
}

/** The summary's table rows, cell by cell. */
function tableRows(summary: string): Row[] {
  return summary
    .split('\n')
    .filter((l) => l.startsWith('| `'))
    .map((l) => {
      const cells = l
        .slice(2, -2)
        .split(/ (?<!\\)\| /)
        .map((c) => c.trim());
      const [host = '', account = '', region = '', how = '', expires = ''] = cells;
      return { host: host.replace(/`/g, ''), account, region, how, expires };
    });
}

/** Node < 22 gets a one-off support notice from the AWS SDK on stderr; the runner runs node24, which does not. */
function stderrOf(step: StepResult): string {
  const major = Number(process.versions.node.split('.')[0]);
  if (major >= 22) return step.stderr;
  return step.stderr.replace(
    /\(node:\d+\) Warning: NodeVersionSupportWarning[\s\S]*?--trace-warnings[^\n]*\n?/,
    '',
  );
}

/** Log lines a person reads: neither workflow commands nor blank. */
function proseLines(step: StepResult): string[] {
  const stdout = step.log
    .filter((l) => l.stream === 'stdout')
    .map((l) => l.text)
    .filter((t) => t.trim() !== '' && !parseCommandLine(t));
  const stderr = stderrOf(step)
    .split('\n')
    .filter((t) => t.trim() !== '');
  return [...stdout, ...stderr];
}

/** Each ::group:: … ::endgroup:: of stdout: its title and the lines inside. */
function groups(step: StepResult): { title: string; lines: string[] }[] {
  const out: { title: string; lines: string[] }[] = [];
  let open: { title: string; lines: string[] } | undefined;
  for (const { text, stream } of step.log) {
    if (stream !== 'stdout') continue;
    const cmd = parseCommandLine(text);
    if (cmd?.name === 'group') {
      open = { title: cmd.message, lines: [] };
      out.push(open);
    } else if (cmd?.name === 'endgroup') open = undefined;
    else if (open && !cmd) open.lines.push(text);
  }
  return out;
}

const STACK_TRACE = /^\s+at .+[(:]\d+|\n\s+at /m;

describe.skipIf(!realRegistriesAvailable())('job summary and log', () => {
  let world: World;
  /** The 6 registries in world order (accounts within regions), as listed in `registries`. */
  let sites: WorldRegistry[];
  const runs: JobRun[] = [];

  beforeAll(async () => {
    world = await startWorld({ accounts: ACCOUNTS, regions: REGIONS });
    sites = world.registries;
  });
  afterAll(async () => {
    await world?.close();
  });
  afterEach(async () => {
    world.ecr.requests.length = 0;
    world.sts.requests.length = 0;
    world.ecr.config.accessDeniedRegions = [];
    for (const r of world.registries) {
      const account = world.ecr.config.accounts[r.key];
      if (account) account.password = r.tokenPassword;
    }
    await Promise.all(runs.splice(0).map((r) => r.cleanup()));
  });

  async function run(inputs: Record<string, string>, opts: JobRunOptions = {}) {
    const r = await runJob(world, await newJob(), {
      inputs: { registries: world.hosts().join('\n'), ...inputs },
      debug: false,
      ...opts,
    });
    runs.push(r);
    return r;
  }

  it('a clean 6-registry run: the table, one group and one line per registry, nothing else', async () => {
    const r = await run({});
    expect(r.main.succeeded).toBe(true);

    // The summary: a title and one row per registry, in input order.
    expect(r.main.summary).toMatch(/^### ECR login: 6 registries\n/);
    expect(r.main.summary).toContain('| Registry | Account | Region | How | Expires (UTC) |');
    const rows = tableRows(r.main.summary);
    expect(rows.map((x) => [x.host, x.account, x.region, x.how])).toEqual(
      sites.map((s) => [s.loginHost, s.account, s.region, 'config file']),
    );
    const earliest = Date.parse(r.main.outputs['expires-at'] ?? '');
    for (const row of rows) {
      expect(row.expires).toMatch(UTC_SECONDS);
      // ECR tokens last 12 hours; the table shows whole seconds of the token's own expiry.
      expect(Date.parse(row.expires)).toBeGreaterThanOrEqual(earliest - 1000);
      expect(Date.parse(row.expires) - Date.now()).toBeGreaterThan(11 * 3600_000);
    }

    // The log: one group per registry (its host), one result line in each.
    const g = groups(r.main);
    expect(g.map((x) => x.title)).toEqual(sites.map((s) => s.loginHost));
    for (const { title, lines } of g) {
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(new RegExp(`^Logged in to ${title.replace(/\./g, '\\.')} \\(config file\\)`));
    }
    const prose = proseLines(r.main);
    expect(prose.length).toBeLessThanOrEqual(6 + 2);
    expect(prose.join('\n')).not.toMatch(STACK_TRACE);
    expect(stderrOf(r.main)).toBe('');
    expect(r.main.commands.filter((c) => ['warning', 'error'].includes(c.name))).toEqual([]);

    // Post is quieter still: one line.
    expect(r.post?.succeeded).toBe(true);
    expect(proseLines(r.post as StepResult)).toEqual(['Logged out of 6 ECR registries.']);
    expect(r.post?.commands.filter((c) => ['warning', 'error'].includes(c.name))).toEqual([]);

    // Three regions, three token calls; no role, no STS. The credentials work; no secret leaked.
    expect(world.ecr.requests).toHaveLength(3);
    expect(world.sts.requests).toHaveLength(0);
    await expectLoggedIn(
      world,
      parseConfig(r.configAfterMain),
      sites.map((s) => s.loginHost),
    );
    assertNoSecrets(r, world.secrets);
  });

  it.skipIf(!requireTool('docker'))(
    'login-method docker: “docker CLI” in the table; the CLI’s own chatter stays out',
    async () => {
      const r = await run({ 'login-method': 'docker' });
      expect(r.main.succeeded).toBe(true);
      const rows = tableRows(r.main.summary);
      expect(rows.map((x) => [x.host, x.how])).toEqual(sites.map((s) => [s.loginHost, 'docker CLI']));
      for (const row of rows) expect(row.expires).toMatch(UTC_SECONDS);
      const g = groups(r.main);
      expect(g.map((x) => x.lines.length)).toEqual(sites.map(() => 1));
      const prose = proseLines(r.main);
      expect(prose.length).toBeLessThanOrEqual(6 + 2);
      expect(prose.join('\n')).not.toMatch(/Login Succeeded|WARNING!|unencrypted/);
      expect(r.post?.succeeded).toBe(true);
      expect(proseLines(r.post as StepResult)).toEqual(['Logged out of 6 ECR registries.']);
      assertNoSecrets(r, world.secrets);
    },
  );

  it('a partial failure still writes the table: which registries failed and why, beside the ones that worked', async () => {
    world.ecr.config.accessDeniedRegions = ['ap-southeast-2']; // no token for either account there
    const refused = world.get(ACCOUNTS[1] ?? '', 'eu-west-1');
    const account = world.ecr.config.accounts[refused.key];
    if (account) account.password = 'not-what-the-registry-expects'; // token issued, registry says 401
    const withRole = world.get(ACCOUNTS[0] ?? '', 'us-east-1'); // through a role

    const r = await run({ 'registry-roles': `${withRole.ecrHost}=${ROLE}` });
    expect(r.main.exitCode).toBe(1);
    expect(r.main.summary).toMatch(/^### ECR login: 3 of 6 failed\n/);
    const rows = tableRows(r.main.summary);
    expect(rows).toHaveLength(6);

    const ok = rows.filter((x) => !x.how.startsWith('❌'));
    expect(ok.map((x) => x.host).sort()).toEqual(
      sites
        .filter((s) => s.region !== 'ap-southeast-2' && s !== refused)
        .map((s) => s.loginHost)
        .sort(),
    );
    for (const row of ok) expect(row.expires).toMatch(UTC_SECONDS);
    expect(ok.find((x) => x.host === withRole.loginHost)?.how).toBe(`config file, role ${ROLE}`);

    const failed = rows.filter((x) => x.how.startsWith('❌'));
    expect(failed).toHaveLength(3);
    for (const row of failed) expect(row.expires).toBe('—');
    const denied = failed.filter((x) => x.region === 'ap-southeast-2');
    expect(denied.map((x) => x.account).sort()).toEqual([...ACCOUNTS]);
    for (const row of denied) {
      expect(row.host).toMatch(/\.dkr\.ecr\.ap-southeast-2\.amazonaws\.com$/);
      expect(row.how).toMatch(/AccessDenied/);
      expect(row.how).toContain('ecr:GetAuthorizationToken');
    }
    const refusedRow = failed.find((x) => x.region === 'eu-west-1');
    expect(refusedRow?.host).toBe(refused.loginHost);
    expect(refusedRow?.account).toBe(ACCOUNTS[1]);
    expect(refusedRow?.how).toMatch(/refused.*401/);

    // The log: one group per success, one ::error:: that lists the three failures, no stack traces.
    expect(groups(r.main).map((x) => x.title)).toEqual(ok.map((x) => x.host));
    const errors = errorsOf(r.main);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^3 registries failed:/);
    expect(errors[0]?.split('\n')).toHaveLength(4);
    const prose = proseLines(r.main);
    expect(prose.length).toBeLessThanOrEqual(3 + 2);
    expect([...prose, ...errors].join('\n')).not.toMatch(STACK_TRACE);

    // Post cleans up what did log in.
    expect(r.post?.succeeded).toBe(true);
    expect(proseLines(r.post as StepResult)).toEqual(['Logged out of 3 ECR registries.']);
  });
});
