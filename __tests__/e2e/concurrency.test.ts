// Jobs side by side on one self-hosted runner, end to end: 8 jobs share one HOME (one ~/.docker/config.json),
// each logging in to its own REAL docker-registry through the ECR stand-in, the dist bundles run as the
// Actions runner runs them. Direct writes must never lose another job's entry (the lock beside the config);
// isolate-config jobs must never see, touch or remove each other's credentials or the shared file; the lock
// must be gone after every run, and a stale one left by a crashed job must be broken.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, removeDir } from '../support/daemon.js';
import { type EcrStandIn, startEcrStandIn } from '../support/ecr-stand-in.js';
import { checkAuth, type Registry, requireTool, startRegistries } from '../support/registry.js';
import { createWorkspace, runStep, type StepResult, type Workspace } from '../support/runner.js';
import { findTool } from '../support/tools.js';

const REGION = 'us-east-1';
const JOBS = 8;
const ACCOUNTS = Array.from({ length: JOBS }, (_, i) => String(i + 1).repeat(12));
const UNRELATED = { auth: Buffer.from('frank:unrelated').toString('base64') };
const PROXIES = { default: { httpProxy: 'http://proxy.invalid:3128' } };

const b64 = (s: string) => Buffer.from(s).toString('base64');
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

type Config = { auths?: Record<string, { auth?: string }>; [k: string]: unknown };

function run(cmd: string, args: string[], env: Record<string, string>) {
  return new Promise<{ code: number; out: string }>((resolve) => {
    execFile(cmd, args, { env, timeout: 30_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? Number((err as { code?: unknown }).code) || 1 : 0, out: `${stdout}${stderr}` }),
    );
  });
}

describe.skipIf(!(requireTool('docker-registry') && requireTool('htpasswd') && requireTool('skopeo')))(
  'concurrent jobs on one shared HOME',
  () => {
    let regs: Registry[] = [];
    let ecr: EcrStandIn;
    let root = '';
    let home = '';
    let dockerDir = '';
    let xdg = '';
    const passwords = ACCOUNTS.map(() => `pw-${randomBytes(9).toString('hex')}`);
    const host = (i: number) => regs[i]?.host ?? '';
    const workspaces: Workspace[] = [];

    beforeAll(async () => {
      regs = await startRegistries(JOBS, passwords);
      ecr = await startEcrStandIn({
        accounts: Object.fromEntries(
          ACCOUNTS.map((a, i) => [
            `${a}/${REGION}`,
            { proxyEndpoint: regs[i]?.url ?? '', password: passwords[i] ?? '' },
          ]),
        ),
        defaultAccount: ACCOUNTS[0] ?? '',
      });
      expect(new Set(regs.map((r) => r.host)).size).toBe(JOBS);
      root = await makeTempDir('e2e-concurrency');
      home = join(root, 'shared-home');
      dockerDir = join(home, '.docker');
      xdg = join(root, 'xdg-runtime');
      await mkdir(xdg, { recursive: true, mode: 0o700 });
    }, 120_000);
    afterAll(async () => {
      await ecr?.close();
      await Promise.all(regs.map((r) => r.close()));
      await Promise.all(workspaces.map((w) => w.cleanup()));
      if (root) await removeDir(root);
    });

    /** A fresh shared config: one unrelated login and a user setting, with an old mtime. */
    async function resetShared() {
      await rm(dockerDir, { recursive: true, force: true });
      await mkdir(dockerDir, { recursive: true, mode: 0o700 });
      const file = join(dockerDir, 'config.json');
      await writeFile(
        file,
        `${JSON.stringify({ auths: { 'unrelated.example': UNRELATED }, proxies: PROXIES })}\n`,
        {
          mode: 0o600,
        },
      );
      const past = new Date('2024-01-02T03:04:05Z');
      await utimes(file, past, past);
      return { file, bytes: await readFile(file), mtimeMs: (await stat(file)).mtimeMs };
    }
    const shared = async () => JSON.parse(await readFile(join(dockerDir, 'config.json'), 'utf8')) as Config;

    /** Separate jobs (own RUNNER_TEMP, own file commands), one HOME. */
    async function jobs(): Promise<Workspace[]> {
      const ws = await Promise.all(range(JOBS).map(() => createWorkspace()));
      workspaces.push(...ws);
      return ws;
    }
    const env = (path = '/usr/bin:/bin'): Record<string, string> => ({
      HOME: home,
      PATH: path,
      AWS_ACCESS_KEY_ID: 'AKIAE2ECONCURRENT001',
      AWS_SECRET_ACCESS_KEY: 'e2e-not-a-secret',
      AWS_REGION: REGION,
      AWS_ENDPOINT_URL_ECR: ecr.url,
      AWS_EC2_METADATA_DISABLED: 'true',
    });
    const step = (w: Workspace, name: 'main' | 'post', inputs: Record<string, string> = {}, path?: string) =>
      runStep({ step: name, workspace: w, inputs, env: env(path), timeoutMs: 90_000 });
    const expectOk = (r: StepResult) => {
      expect(r.succeeded, `${r.step} failed:\n${r.maskedLog}\n${r.runnerMessages.join('\n')}`).toBe(true);
    };
    const ownEntry = (i: number) => ({ auth: b64(`AWS:${passwords[i]}`) });

    async function skopeoView(h: string, dockerConfig: string): Promise<'authenticated' | 'unauthorized'> {
      const r = await run('skopeo', ['inspect', '--tls-verify=false', `docker://${h}/e2e/absent:latest`], {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: home,
        XDG_RUNTIME_DIR: xdg,
        DOCKER_CONFIG: dockerConfig,
      });
      if (/manifest unknown/i.test(r.out)) return 'authenticated';
      if (/unauthorized|authentication required/i.test(r.out)) return 'unauthorized';
      throw new Error(`skopeo inspect ${h}: unexpected answer (exit ${r.code}): ${r.out}`);
    }

    it('direct writes: 8 mains at once leave all 8 entries, 8 posts at once remove them all; the rest survives', async () => {
      await resetShared();
      const ws = await jobs();
      const mains = await Promise.all(ws.map((w, i) => step(w, 'main', { registries: ACCOUNTS[i] ?? '' })));
      for (const m of mains) expectOk(m);
      mains.forEach((m, i) => {
        expect(m.outputs.registry).toBe(host(i));
        expect(m.outputs['docker-config']).toBe(dockerDir);
      });

      const during = await shared();
      expect(during).toEqual({
        auths: {
          'unrelated.example': UNRELATED,
          ...Object.fromEntries(range(JOBS).map((i) => [host(i), ownEntry(i)])),
        },
        proxies: PROXIES,
      });
      expect((await stat(join(dockerDir, 'config.json'))).mode & 0o777).toBe(0o600);
      expect(await readdir(dockerDir)).toEqual(['config.json']); // no lock, no temp file
      // Every stored credential opens its registry.
      const statuses = await Promise.all(
        range(JOBS).map((i) => checkAuth(regs[i]?.url ?? '', 'AWS', passwords[i])),
      );
      expect(statuses).toEqual(range(JOBS).map(() => 200));

      const posts = await Promise.all(ws.map((w) => step(w, 'post')));
      for (const p of posts) expectOk(p);
      expect(await shared()).toEqual({ auths: { 'unrelated.example': UNRELATED }, proxies: PROXIES });
      expect(await readdir(dockerDir)).toEqual(['config.json']);
    }, 120_000);

    it('direct writes, overlapping jobs: each entry is there while its job runs, though others log in and out', async () => {
      await resetShared();
      for (let round = 0; round < 2; round++) {
        const ws = await jobs();
        await Promise.all(
          ws.map(async (w, i) => {
            // Staggered a little so posts of some jobs run while others' mains write.
            await new Promise((r) => setTimeout(r, ((i + round) % 4) * 150));
            const main = await step(w, 'main', { registries: ACCOUNTS[i] ?? '' });
            expectOk(main);
            expect((await shared()).auths?.[host(i)], `job ${i}'s entry, between its main and post`).toEqual(
              ownEntry(i),
            );
            expectOk(await step(w, 'post'));
          }),
        );
        expect(await shared()).toEqual({ auths: { 'unrelated.example': UNRELATED }, proxies: PROXIES });
        expect(await readdir(dockerDir)).toEqual(['config.json']);
      }
    }, 120_000);

    it('isolate-config: no job sees or removes another job’s credential, and the shared config is never written', async () => {
      const before = await resetShared();
      const ws = await jobs();
      const mains = await Promise.all(
        ws.map((w, i) => step(w, 'main', { registries: ACCOUNTS[i] ?? '', 'isolate-config': 'true' })),
      );
      for (const m of mains) expectOk(m);
      const dirs = mains.map((m) => m.outputs['docker-config'] ?? '');
      expect(new Set(dirs).size).toBe(JOBS);
      await Promise.all(
        dirs.map(async (dir, i) => {
          expect(dir.startsWith(`${ws[i]?.runnerTemp}/`)).toBe(true);
          expect(mains[i]?.exportedEnv.DOCKER_CONFIG).toBe(dir);
          expect(JSON.parse(await readFile(join(dir, 'config.json'), 'utf8'))).toEqual({
            auths: { 'unrelated.example': UNRELATED, [host(i)]: ownEntry(i) },
            proxies: PROXIES,
          });
          expect(await readdir(dir)).toEqual(['config.json']);
        }),
      );
      expect((await readFile(before.file)).equals(before.bytes)).toBe(true);
      expect((await stat(before.file)).mtimeMs).toBe(before.mtimeMs);
      expect(await readdir(dockerDir)).toEqual(['config.json']);
      // A real client in job i gets into registry i and not into registry i+1.
      for (const i of range(JOBS)) {
        expect(await skopeoView(host(i), dirs[i] ?? '')).toBe('authenticated');
        expect(await skopeoView(host((i + 1) % JOBS), dirs[i] ?? '')).toBe('unauthorized');
      }

      const posts = await Promise.all(ws.map((w) => step(w, 'post')));
      for (const p of posts) expectOk(p);
      for (const dir of dirs) expect(existsSync(dir)).toBe(false);
      expect((await readFile(before.file)).equals(before.bytes)).toBe(true);
      expect((await stat(before.file)).mtimeMs).toBe(before.mtimeMs);
      expect(await readdir(dockerDir)).toEqual(['config.json']);
    }, 120_000);

    it('a stale lock left by a crashed job is broken, even with 8 jobs racing for it', async () => {
      await resetShared();
      const lock = join(dockerDir, 'config.json.lock');
      await writeFile(lock, '999999\n');
      const old = new Date(Date.now() - 10 * 60_000);
      await utimes(lock, old, old);
      const ws = await jobs();
      const mains = await Promise.all(ws.map((w, i) => step(w, 'main', { registries: ACCOUNTS[i] ?? '' })));
      for (const m of mains) expectOk(m);
      expect(existsSync(lock)).toBe(false);
      expect(Object.keys((await shared()).auths ?? {}).sort()).toEqual(
        ['unrelated.example', ...range(JOBS).map(host)].sort(),
      );
      const posts = await Promise.all(ws.map((w) => step(w, 'post')));
      for (const p of posts) expectOk(p);
      expect(existsSync(lock)).toBe(false);
      expect(await shared()).toEqual({ auths: { 'unrelated.example': UNRELATED }, proxies: PROXIES });
    }, 120_000);

    it('a live lock is waited for by main and post, not broken: nothing is written until its holder lets go', async () => {
      await resetShared();
      const lock = join(dockerDir, 'config.json.lock');
      await writeFile(lock, `${process.pid}\n`);
      const [w] = await jobs();
      if (!w) throw new Error('no job');
      let done = false;
      const pending = step(w, 'main', { registries: ACCOUNTS[3] ?? '' }).finally(() => {
        done = true;
      });
      // Long enough for main to reach the write on this machine; no claim about how long it takes.
      await new Promise((r) => setTimeout(r, 4000));
      expect(done).toBe(false);
      expect((await shared()).auths?.[host(3)]).toBeUndefined();
      expect(existsSync(lock)).toBe(true);
      await rm(lock);
      const main = await pending;
      expectOk(main);
      expect((await shared()).auths?.[host(3)]).toEqual(ownEntry(3));
      expect(existsSync(lock)).toBe(false);

      // Post's removal is a read-modify-write of the same file: it must wait for the lock too, or it could
      // write back a config read before another job's login and so drop that job's fresh entry.
      await writeFile(lock, `${process.pid}\n`);
      done = false;
      const cleaning = step(w, 'post').finally(() => {
        done = true;
      });
      await new Promise((r) => setTimeout(r, 4000));
      expect(done).toBe(false);
      expect((await shared()).auths?.[host(3)]).toEqual(ownEntry(3));
      await rm(lock);
      expectOk(await cleaning);
      expect(await shared()).toEqual({ auths: { 'unrelated.example': UNRELATED }, proxies: PROXIES });
      expect(existsSync(lock)).toBe(false);
    }, 60_000);

    // The lock is held across `docker login` (the CLI takes none); a slow login (retries against a registry
    // that answers slowly) must not look like a crashed job to the others, or one of them breaks the lock,
    // writes, and the slow job then writes back a config read before that: the other job's entry is lost.
    it.skipIf(!requireTool('docker'))(
      'a lock held longer than the stale age by a live job (slow docker login) is not broken',
      async () => {
        await resetShared();
        const lock = join(dockerDir, 'config.json.lock');
        const slow = join(root, 'slow-docker-bin');
        await mkdir(slow, { recursive: true });
        const real = findTool('docker') ?? 'docker';
        await writeFile(
          join(slow, 'docker'),
          `#!/bin/sh\ncase "$1" in login) sleep 38 ;; esac\nexec ${JSON.stringify(real)} "$@"\n`,
        );
        await chmod(join(slow, 'docker'), 0o755);
        const [a, b] = await jobs();
        if (!a || !b) throw new Error('no jobs');
        const slowMain = step(
          a,
          'main',
          { registries: ACCOUNTS[0] ?? '', 'login-method': 'docker' },
          `${slow}:/usr/bin:/bin`,
        );
        // Job b starts once job a holds the lock.
        for (let t = 0; t < 400 && !existsSync(lock); t++) await new Promise((r) => setTimeout(r, 50));
        expect(existsSync(lock)).toBe(true);
        const [mainA, mainB] = await Promise.all([
          slowMain,
          step(b, 'main', { registries: ACCOUNTS[1] ?? '' }),
        ]);
        expectOk(mainA);
        expectOk(mainB);
        expect((await shared()).auths).toEqual({
          'unrelated.example': UNRELATED,
          [host(0)]: ownEntry(0),
          [host(1)]: ownEntry(1),
        });
        expect(existsSync(lock)).toBe(false);
        const posts = await Promise.all([step(a, 'post', {}, `${slow}:/usr/bin:/bin`), step(b, 'post')]);
        for (const p of posts) expectOk(p);
        expect(await shared()).toEqual({ auths: { 'unrelated.example': UNRELATED }, proxies: PROXIES });
        expect(existsSync(lock)).toBe(false);
      },
      110_000,
    );
  },
);
