import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type PostDeps, runPost } from '../../src/action/post.js';
import { encodeState, type PostState, STATE_KEY } from '../../src/action/state.js';
import type { DockerResult } from '../../src/docker/docker-cli.js';
import { OWNER_MARKER } from '../../src/docker/owned-dir.js';
import { machineTag } from '../../src/docker/process-owner.js';
import { captureStdout } from '../support/stdout.js';

// Counts reads of the config lock: a step waiting for another job's lock reads it on every look.
const lock = vi.hoisted(() => ({ reads: 0 }));
vi.mock('node:fs/promises', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs/promises')>();
  const readFile = ((path: Parameters<typeof real.readFile>[0], ...rest: unknown[]) => {
    if (String(path).endsWith('config.json.lock')) lock.reads++;
    return (real.readFile as (...a: unknown[]) => Promise<unknown>)(path, ...rest);
  }) as typeof real.readFile;
  return { ...real, readFile };
});

const H1 = '111111111111.dkr.ecr.us-east-1.amazonaws.com';
const H2 = '222222222222.dkr.ecr.eu-west-1.amazonaws.com';
const OTHER = '999999999999.dkr.ecr.us-east-1.amazonaws.com';
const ID = '0123456789abcdef0123456789abcdef';

let root: string;
let configDir: string;
let out: string[];

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'ecr-login-post-unit-'));
  configDir = join(root, '.docker');
  await mkdir(configDir);
  out = captureStdout();
});

afterEach(async () => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
  await rm(root, { recursive: true, force: true });
});

const configPath = () => join(configDir, 'config.json');
const readJson = async () => JSON.parse(await readFile(configPath(), 'utf8'));

interface Logouts {
  deps: PostDeps;
  calls: { host: string; env: NodeJS.ProcessEnv }[];
}

function deps(
  state: PostState | string | undefined,
  opts: { now?: string; logout?: (host: string) => DockerResult } = {},
): Logouts {
  const calls: Logouts['calls'] = [];
  const env: NodeJS.ProcessEnv = {
    PATH: '/usr/bin',
    KEEP: 'me',
    DOCKER_CONFIG: '/somewhere/else',
    RUNNER_TEMP: root,
  };
  if (state !== undefined) env[`STATE_${STATE_KEY}`] = typeof state === 'string' ? state : encodeState(state);
  return {
    calls,
    deps: {
      env,
      now: () => new Date(opts.now ?? '2030-01-01T00:00:00Z'),
      tools: {
        dockerLogout: async (host, e) => {
          calls.push({ host, env: e });
          return opts.logout?.(host) ?? { ok: true, message: '' };
        },
      },
    },
  };
}

describe('runPost', () => {
  it('does nothing without state', async () => {
    const d = deps(undefined);
    await runPost(d.deps);
    expect(out).toEqual(['No ECR logins to clean up.\n']);
    expect(d.calls).toEqual([]);
  });

  it('removes a temp file of ours whose writer is gone, even with no entry of ours left to remove', async () => {
    // pid_max is at most 2^22: no process has this id.
    const temp = join(configDir, `.config.json.ecr-login.4194304.${machineTag()}.cccccccccccc.tmp`);
    await writeFile(temp, JSON.stringify({ auths: { [H1]: { auth: 'QVdTOnB3' } } }));
    await writeFile(configPath(), JSON.stringify({ auths: { [OTHER]: { auth: 'QVdTOmQ=' } } }));
    await runPost(deps({ logins: [{ host: H1, store: 'config-file' }], configDir }).deps);
    expect(existsSync(temp)).toBe(false);
    expect(await readJson()).toEqual({ auths: { [OTHER]: { auth: 'QVdTOmQ=' } } });
  });

  it('warns of unreadable state and acts on none of it', async () => {
    const d = deps('{broken');
    await runPost(d.deps);
    expect(out).toEqual([
      '::warning::ECR logout did nothing: the saved state is not JSON, so nothing was removed or deleted.\n',
    ]);
    expect(d.calls).toEqual([]);
  });

  it('logs out docker logins, removes every leftover auths entry of ours, and keeps everything else', async () => {
    await writeFile(
      configPath(),
      JSON.stringify({
        auths: {
          [H1]: { auth: 'QVdTOmE=' },
          [`https://${H1}`]: { auth: 'QVdTOmI=' },
          [`${H2.toUpperCase()}/`]: { auth: 'QVdTOmM=' },
          [OTHER]: { auth: 'QVdTOmQ=' },
        },
        credHelpers: { 'gcr.io': 'gcloud' },
        proxies: { default: { httpProxy: 'http://p:3128' } },
      }),
    );
    const d = deps({
      logins: [
        { host: H1, store: 'config-file' },
        { host: H2, store: 'docker-cli' },
      ],
      configDir,
    });
    await runPost(d.deps);
    expect(d.calls.map((c) => c.host)).toEqual([H2]);
    // docker logout runs on a private copy of the config, gone once it returns.
    const copy = d.calls[0]?.env.DOCKER_CONFIG ?? '';
    expect(d.calls[0]?.env).toEqual({
      ...d.deps.env,
      DOCKER_CONFIG: expect.stringContaining('ecr-login-copy-'),
    });
    expect(copy).not.toBe(configDir);
    expect(existsSync(copy)).toBe(false);
    expect(await readJson()).toEqual({
      auths: { [OTHER]: { auth: 'QVdTOmQ=' } },
      credHelpers: { 'gcr.io': 'gcloud' },
      proxies: { default: { httpProxy: 'http://p:3128' } },
    });
    expect(out).toEqual(['Logged out of 2 ECR registries.\n']);
    expect(existsSync(join(configDir, 'config.json.lock'))).toBe(false);
  });

  it('still cleans the file when docker logout fails, and says why only in debug', async () => {
    await writeFile(configPath(), JSON.stringify({ auths: { [H2]: { auth: 'QVdTOmM=' } } }));
    const d = deps(
      { logins: [{ host: H2, store: 'docker-cli' }], configDir },
      { logout: () => ({ ok: false, message: 'error erasing credentials' }) },
    );
    await runPost(d.deps);
    expect(await readJson()).toEqual({ auths: {} });
    expect(out).toEqual([
      `::debug::docker logout ${H2}: error erasing credentials\n`,
      'Logged out of 1 ECR registry.\n',
    ]);
    expect(process.exitCode).toBeUndefined();
  });

  it('without docker, removes the helper marker and names the credential left in the helper', async () => {
    await writeFile(
      configPath(),
      JSON.stringify({ auths: { [H1]: {}, [H2]: {} }, credHelpers: { [H1]: 'pass' } }),
    );
    const d = deps({
      logins: [
        { host: H1, store: 'docker-cli' },
        { host: H2, store: 'docker-cli' },
      ],
      configDir,
    });
    d.deps.tools.dockerLogout = async () => {
      throw new Error('Unable to locate executable file: docker');
    };
    await runPost(d.deps);
    expect(await readJson()).toEqual({ auths: {}, credHelpers: { [H1]: 'pass' } });
    const warnings = out.filter((l) => l.startsWith('::warning::'));
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toContain(`the credential for ${H1} from docker-credential-pass`);
    // A marker with no helper configured: docker's default store took the secret.
    expect(warnings[1]).toContain(`the credential for ${H2} from docker's default credential helper`);
    expect(warnings.join('')).toContain('Unable to locate executable file: docker');
  });

  it('warns, naming the hosts, when the config cannot be cleaned, and leaves it untouched', async () => {
    await writeFile(configPath(), '{"auths": {"x": "QVdTOnNlY3JldA=="');
    const d = deps({
      logins: [
        { host: H1, store: 'config-file' },
        { host: H2, store: 'config-file' },
      ],
      configDir,
    });
    await runPost(d.deps);
    expect(out).toEqual([
      `::warning::Could not clean up ${H1}, ${H2}: ${configPath()} is not a JSON object; fix or remove it (it was left unchanged)\n`,
      'Logged out of 2 ECR registries.\n',
    ]);
    expect(await readFile(configPath(), 'utf8')).toBe('{"auths": {"x": "QVdTOnNlY3JldA=="');
    expect(process.exitCode).toBeUndefined();
  });

  it('warns when the job outlived its tokens, naming the hosts', async () => {
    await writeFile(configPath(), JSON.stringify({ auths: { [H1]: { auth: 'QVdTOmE=' } } }));
    const state: PostState = {
      logins: [
        { host: H1, store: 'config-file' },
        { host: 'public.ecr.aws', store: 'config-file' },
      ],
      configDir,
      expiresAt: '2030-01-01T12:00:00.000Z',
    };
    await runPost(deps(state, { now: '2030-01-01T12:00:00.001Z' }).deps);
    expect(out[0]).toBe(
      `::warning::This job outlived its ECR tokens (expired 2030-01-01T12:00:00.000Z): pulls and pushes to ${H1}, public.ecr.aws ` +
        'after that time failed with "authorization token has expired". Split long jobs, or log in again before late pushes.\n',
    );
    expect(await readJson()).toEqual({ auths: {} });
  });

  it('does not warn before the expiry (or exactly at it)', async () => {
    const state: PostState = {
      logins: [{ host: H1, store: 'config-file' }],
      configDir,
      expiresAt: '2030-01-01T12:00:00.000Z',
    };
    await runPost(deps(state, { now: '2030-01-01T12:00:00.000Z' }).deps);
    expect(out.filter((l) => l.startsWith('::warning::'))).toEqual([]);
  });

  it('skip-logout leaves every credential in place (but still warns on expiry)', async () => {
    const config = JSON.stringify({ auths: { [H1]: { auth: 'QVdTOmE=' }, [H2]: { auth: 'QVdTOmI=' } } });
    await writeFile(configPath(), config);
    const d = deps(
      {
        logins: [
          { host: H1, store: 'docker-cli' },
          { host: H2, store: 'config-file' },
        ],
        configDir,
        skipLogout: true,
        expiresAt: '2029-12-31T00:00:00.000Z',
      },
      { now: '2030-01-01T00:00:00Z' },
    );
    await runPost(d.deps);
    expect(d.calls).toEqual([]);
    expect(await readFile(configPath(), 'utf8')).toBe(config);
    expect(out).toHaveLength(2);
    expect(out[0]).toMatch(/^::warning::This job outlived its ECR tokens/);
    expect(out[1]).toBe('skip-logout is true: leaving the ECR credentials in place.\n');
  });

  /** A job-private config as main makes it: under RUNNER_TEMP, with the owner marker holding ID. */
  async function isolatedConfig() {
    const isolated = join(root, 'runner-temp', 'ecr-login-docker-abc');
    await mkdir(isolated, { recursive: true });
    await writeFile(join(isolated, 'config.json'), JSON.stringify({ auths: { [H1]: { auth: 'QVdTOmE=' } } }));
    await writeFile(join(isolated, OWNER_MARKER), `${ID}\n`);
    return isolated;
  }
  const inRunnerTemp = (d: Logouts) => {
    d.deps.env.RUNNER_TEMP = join(root, 'runner-temp');
    return d;
  };

  it('skip-logout still deletes a job-private (isolated) config, which nothing after the job can use', async () => {
    const isolated = await isolatedConfig();
    const d = inRunnerTemp(
      deps({
        logins: [{ host: H1, store: 'docker-cli' }],
        configDir: isolated,
        isolatedDir: isolated,
        isolatedId: ID,
        skipLogout: true,
      }),
    );
    await runPost(d.deps);
    expect(d.calls).toEqual([]);
    expect(existsSync(isolated)).toBe(false);
    expect(out).toEqual(['skip-logout is true: leaving the ECR credentials in place.\n']);
  });

  it('deletes the isolated config directory', async () => {
    const isolated = await isolatedConfig();
    const state = { logins: [{ host: H1, store: 'config-file' as const }], configDir: isolated };
    await runPost(inRunnerTemp(deps({ ...state, isolatedDir: isolated, isolatedId: ID })).deps);
    expect(existsSync(isolated)).toBe(false);
    expect(existsSync(join(root, 'runner-temp'))).toBe(true);
  });

  it('copes with a config directory that is gone', async () => {
    const gone = join(root, 'gone');
    await runPost(deps({ logins: [{ host: H1, store: 'config-file' }], configDir: gone }).deps);
    expect(out).toEqual(['Logged out of 1 ECR registry.\n']);
    expect(existsSync(gone)).toBe(false);
  });

  it('rewrites the config only under the config lock another job may hold', async () => {
    await writeFile(
      configPath(),
      JSON.stringify({ auths: { [H1]: { auth: 'QVdTOmE=' }, [OTHER]: { auth: 'eA==' } } }),
    );
    const lockPath = join(configDir, 'config.json.lock');
    await writeFile(lockPath, '4242\n');
    let settled = false;
    lock.reads = 0;
    const running = runPost(deps({ logins: [{ host: H1, store: 'config-file' }], configDir }).deps).then(
      () => {
        settled = true;
      },
    );
    // Post has looked at the lock twice (judged it fresh at least once) and still waits; the file is as it was.
    await vi.waitFor(() => expect(lock.reads).toBeGreaterThanOrEqual(2), { timeout: 10_000, interval: 5 });
    expect(settled).toBe(false);
    expect(Object.keys((await readJson()).auths)).toEqual([H1, OTHER]);
    // The other job adds its entry and releases the lock: post keeps it.
    await writeFile(
      configPath(),
      JSON.stringify({
        auths: { [H1]: { auth: 'QVdTOmE=' }, [OTHER]: { auth: 'eA==' }, 'new.example': { auth: 'eQ==' } },
      }),
    );
    await rm(lockPath);
    await running;
    expect(await readJson()).toEqual({
      auths: { [OTHER]: { auth: 'eA==' }, 'new.example': { auth: 'eQ==' } },
    });
  });
});
