// `npm run demo`: the built action (dist/main, dist/post) run the way the GitHub runner runs it, against a
// loopback ECR stand-in and registries on 127.0.0.1, for 2 accounts x 2 regions plus an image URI. Needs no
// AWS account or credentials (dummy static keys; nothing leaves the machine) and no Docker engine.
//
// Prints the inputs, the outputs, the job summary, the docker config before, during (after main) and after
// post, and the log as the runner would show it (masked). Exits 0 when main logged in to every registry,
// each stored credential opened its registry and post put the config back as it was; non-zero otherwise.
//
// Registries: REAL docker-registry processes (htpasswd auth) when `docker-registry` and `htpasswd` are
// installed; otherwise a tiny in-process stand-in that checks Basic auth at /v2/ (what the action's /v2/ check
// and `docker login` ask), so the config-file login method works anywhere Node does.
import { spawn } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type EcrStandIn, startEcrStandIn } from '../__tests__/support/ecr-stand-in.js';
import { checkAuth, startRegistries } from '../__tests__/support/registry.js';
import {
  createWorkspace,
  loadAction,
  runStep,
  type StepResult,
  type Workspace,
} from '../__tests__/support/runner.js';
import { findTool } from '../__tests__/support/tools.js';
import { applyMasks } from '../__tests__/support/workflow-commands.js';

export const SECTIONS = [
  'Registries',
  'Inputs',
  'Docker config before',
  'Log (main, masked)',
  'Outputs',
  'Job summary',
  'Docker config during the job (after main)',
  'Log (post, masked)',
  'Docker config after post',
  'Result',
] as const;

export interface DemoOptions {
  /** Where the text goes (default stdout). */
  write?: (text: string) => void;
  /** 'auto' (default): real docker-registry when installed, else in-process. */
  registries?: 'auto' | 'real' | 'in-process';
  /** Directory holding action.yml and dist/ (default: this repository). */
  actionDir?: string;
}

interface DemoRegistry {
  account: string;
  region: string;
  url: string;
  host: string;
  password: string;
  close(): Promise<void>;
}

const ACCOUNTS = ['111111111111', '222222222222'];
const REGIONS = ['us-east-1', 'eu-west-1'];
const REPO_ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));

/** GET /v2/ answers 200 with the right Basic credential, 401 (with a Basic challenge) otherwise. */
async function startInProcessRegistry(password: string): Promise<Omit<DemoRegistry, 'account' | 'region'>> {
  const expected = `Basic ${Buffer.from(`AWS:${password}`).toString('base64')}`;
  const server = createServer((req, res) => {
    const ok = req.headers.authorization === expected;
    if (req.url === '/v2/' || req.url === '/v2') {
      res.writeHead(ok ? 200 : 401, {
        'content-type': 'application/json',
        'docker-distribution-api-version': 'registry/2.0',
        ...(ok ? {} : { 'www-authenticate': 'Basic realm="demo-registry"' }),
      });
      res.end(ok ? '{}' : '{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}');
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    password,
    close: () =>
      new Promise<void>((done) => {
        server.close(() => done());
        server.closeAllConnections();
      }),
  };
}

const passwordFor = (account: string, region: string) =>
  `demo-${account.slice(0, 3)}-${region}-${Math.random().toString(36).slice(2, 12)}`;

export async function runDemo(opts: DemoOptions = {}): Promise<number> {
  const write = opts.write ?? ((t: string) => process.stdout.write(t));
  const say = (text = '') => write(`${text}\n`);
  const section = (title: string) => say(`\n=== ${title} ${'='.repeat(Math.max(3, 70 - title.length))}`);
  const problems: string[] = [];
  const started: { close(): Promise<void> }[] = [];
  let ecr: EcrStandIn | undefined;
  let workspace: Workspace | undefined;

  try {
    say('ecr-login demo: the built action (dist/) run main -> post by the GitHub runner emulator.');
    say('No AWS account is used: a loopback ECR stand-in answers GetAuthorizationToken (dummy keys).');

    // --- Registries -------------------------------------------------------------------------------
    section('Registries');
    const haveReal = !!(findTool('docker-registry') && findTool('htpasswd'));
    const mode = opts.registries ?? 'auto';
    const real = mode === 'real' || (mode === 'auto' && haveReal);
    if (mode === 'real' && !haveReal)
      throw new Error('registries: real needs docker-registry and htpasswd on PATH');
    const specs = REGIONS.flatMap((region) => ACCOUNTS.map((account) => ({ account, region })));
    const passwords = specs.map((s) => passwordFor(s.account, s.region));
    let registries: DemoRegistry[];
    if (real) {
      say('Using REAL registries: one docker-registry process (htpasswd auth) per account x region.');
      const regs = await startRegistries(specs.length, passwords);
      started.push(...regs);
      registries = regs.map((r, i) => ({ ...(specs[i] as (typeof specs)[number]), ...r }));
    } else {
      say(
        'docker-registry and/or htpasswd are not installed (apt-get install docker-registry apache2-utils),',
      );
      say('so each registry is a tiny in-process stand-in that checks Basic auth at /v2/.');
      registries = await Promise.all(
        specs.map(async (s, i) => ({ ...s, ...(await startInProcessRegistry(passwords[i] ?? '')) })),
      );
      started.push(...registries);
    }
    ecr = await startEcrStandIn({
      accounts: Object.fromEntries(
        registries.map((r) => [`${r.account}/${r.region}`, { proxyEndpoint: r.url, password: r.password }]),
      ),
      defaultAccount: ACCOUNTS[0],
    });
    started.push(ecr);
    for (const r of registries) {
      say(`  ${r.account}.dkr.ecr.${r.region}.amazonaws.com  ->  ${r.url}  (the token's proxyEndpoint)`);
    }
    say(`  ECR API stand-in: ${ecr.url}  (AWS_ENDPOINT_URL_ECR)`);

    // --- Inputs -----------------------------------------------------------------------------------
    section('Inputs');
    const [a1, a2] = ACCOUNTS as [string, string];
    const inputs = {
      registries: [
        a1,
        a2,
        `${a1}.dkr.ecr.eu-west-1.amazonaws.com`,
        `${a2}.dkr.ecr.eu-west-1.amazonaws.com`,
        `${a1}.dkr.ecr.us-east-1.amazonaws.com/team/app:1.4.2`,
      ].join('\n'),
      region: 'us-east-1',
    };
    say('with:');
    say('  registries: |');
    for (const line of inputs.registries.split('\n')) say(`    ${line}`);
    say(`  region: ${inputs.region}`);
    say('(2 accounts x 2 regions; the image URI names a registry already listed, so it merges into it.)');

    // --- Docker config before ---------------------------------------------------------------------
    workspace = await createWorkspace({ actionDir: opts.actionDir ?? REPO_ROOT });
    const configDir = join(workspace.home, '.docker');
    const configFile = join(configDir, 'config.json');
    const seed = {
      auths: { 'ghcr.io': { auth: Buffer.from('octocat:not-a-real-token').toString('base64') } },
      credHelpers: { 'gcr.io': 'gcloud' },
      psFormat: 'table {{.ID}}\\t{{.Image}}',
    };
    const seedText = `${JSON.stringify(seed, null, '\t')}\n`;
    await mkdir(configDir, { recursive: true, mode: 0o700 });
    await writeFile(configFile, seedText, { mode: 0o600 });
    section('Docker config before');
    say(`${configFile}:`);
    write(seedText);

    // --- main -------------------------------------------------------------------------------------
    const env = {
      AWS_ACCESS_KEY_ID: 'AKIADEMODUMMYKEY0001',
      AWS_SECRET_ACCESS_KEY: 'demo-dummy-secret-access-key',
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_ENDPOINT_URL_ECR: ecr.url,
      NO_PROXY: '127.0.0.1,localhost',
    };
    const common = { workspace, inputs, env };
    const main = await runStep({ step: 'main', ...common });
    const masks = main.masks;
    const mask = (text: string) => applyMasks(text, masks);
    const during = await readFile(configFile, 'utf8').catch(() => '');

    section('Log (main, masked)');
    write(stepLog(main));
    say(`(exit code ${main.exitCode}, ${Math.round(main.durationMs)} ms)`);

    section('Outputs');
    const names = Object.keys(main.outputs);
    const width = Math.max(0, ...names.map((n) => n.length));
    for (const name of names) say(`  ${name.padEnd(width)}  ${mask(main.outputs[name] ?? '')}`);
    say('(docker_password_* values are masked here as the runner masks them in the log.)');

    section('Job summary');
    write(main.summary || '(empty)\n');

    section('Docker config during the job (after main)');
    say('(the `auth` values are masked; each is base64("AWS:<token password>"))');
    write(mask(during));

    // --- post -------------------------------------------------------------------------------------
    const post = await runStep({ step: 'post', ...common });
    section('Log (post, masked)');
    write(stepLog(post, masks));
    say(`(exit code ${post.exitCode}, ${Math.round(post.durationMs)} ms)`);

    const after = await readFile(configFile, 'utf8').catch(() => '');
    section('Docker config after post');
    write(after);

    // --- Checks -----------------------------------------------------------------------------------
    section('Result');
    if (main.exitCode !== 0) problems.push(`main exited ${main.exitCode}`);
    if (post.exitCode !== 0) problems.push(`post exited ${post.exitCode}`);
    const hosts = (main.outputs.registries ?? '').split(',').filter(Boolean);
    if (hosts.length !== registries.length) {
      problems.push(`main logged in to ${hosts.length} registries, expected ${registries.length}`);
    }
    const config = JSON.parse(during || '{}') as { auths?: Record<string, { auth?: string }> };
    for (const r of registries) {
      const auth = config.auths?.[r.host]?.auth;
      const [user, ...rest] = Buffer.from(auth ?? '', 'base64')
        .toString()
        .split(':');
      const status = auth ? await checkAuth(r.url, user, rest.join(':')) : 0;
      say(`  ${r.host}: stored credential -> GET /v2/ ${status || 'not stored'}`);
      if (status !== 200)
        problems.push(`the credential for ${r.host} did not open it (${status || 'missing'})`);
    }
    if (after !== seedText) problems.push('post did not put the docker config back as it was');
    else say('  after post the docker config is byte-for-byte what it was before.');
    const calls = ecr.requests.map((c) => `${c.region} ${JSON.stringify(c.body)} -> ${c.status}`);
    say(`  ${calls.length} GetAuthorizationToken calls (one per region, at once): ${calls.join('; ')}`);
    if (problems.length > 0) {
      say(`\nDEMO FAILED:\n- ${problems.join('\n- ')}`);
      return 1;
    }
    say(`\nDemo OK (${real ? 'real docker-registry' : 'in-process registry stand-in'}).`);
    return 0;
  } catch (error) {
    say(`\nDEMO FAILED: ${(error as Error).stack ?? String(error)}`);
    return 1;
  } finally {
    await workspace?.cleanup();
    await Promise.allSettled(started.reverse().map((s) => s.close()));
  }
}

/** The step's combined log as the runner shows it; `masks` from an earlier step of the job still apply. */
function stepLog(step: StepResult, earlierMasks: readonly string[] = []): string {
  const text = applyMasks(step.maskedLog, earlierMasks);
  return text.endsWith('\n') || text === '' ? text : `${text}\n`;
}

const RESTARTED = 'ECR_LOGIN_DEMO_RESTARTED';

/**
 * The demo runs on the Node major action.yml declares (`using: node24`), as the runner would: on another
 * major it starts itself again under that one, fetched by npx from the npm registry. (On Node 20 the AWS
 * SDK would also print its NodeVersionSupportWarning, which reads like an error of the action.)
 */
async function onRunnerNode(): Promise<number> {
  const { using } = await loadAction(REPO_ROOT);
  const major = /^node(\d+)$/.exec(using)?.[1];
  if (!major) throw new Error(`action.yml: runs.using is "${using}", not nodeNN`);
  if (process.versions.node.split('.')[0] === major) return runDemo();
  if (process.env[RESTARTED]) throw new Error(`npx -p node@${major} started Node ${process.version}`);
  process.stderr.write(
    `Node ${process.version} here; the runner uses Node ${major}: npx -p node@${major} runs the demo.\n`,
  );
  return new Promise((done, fail) => {
    const child = spawn(
      'npx',
      ['--yes', '--package', `node@${major}`, '-c', 'node --import tsx "$DEMO_SCRIPT"'],
      {
        cwd: REPO_ROOT,
        stdio: ['ignore', 'inherit', 'inherit'],
        env: { ...process.env, [RESTARTED]: '1', DEMO_SCRIPT: fileURLToPath(import.meta.url) },
        timeout: 600_000, // fetching Node once, then the demo itself (seconds)
      },
    );
    child.on('error', fail);
    child.on('close', (code) => done(code ?? 1));
  });
}

const invokedDirectly = process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href;
if (invokedDirectly) {
  onRunnerNode().then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
