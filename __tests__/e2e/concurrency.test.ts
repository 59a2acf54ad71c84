// Jobs side by side on one self-hosted runner, end to end: 8 jobs share one HOME (one ~/.docker/config.json),
// each logging in to its own REAL docker-registry through the ECR stand-in, the dist bundles run as the
// Actions runner runs them. Direct writes must never lose another job's entry (the lock beside the config);
// isolate-config jobs must never see, touch or remove each other's credentials or the shared file; the lock
// must be gone after every run, and a stale one left by a crashed job must be broken.
import { existsSync } from 'node:fs';
import { readdir, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../support/daemon.js';
import { checkAuth, requireTool } from '../support/registry.js';
import type { Workspace } from '../support/runner.js';
import { findTool } from '../support/tools.js';
import {
  type Bench,
  b64,
  clientEnv,
  dockerWrapper,
  expectUntouched,
  fileMode,
  readConfig,
  skopeoView,
  startBench,
  writeUserConfig,
} from './clients.js';
import { expectOk } from './helpers.js';

const REGION = 'us-east-1';
const JOBS = 8;
const ACCOUNTS = Array.from({ length: JOBS }, (_, i) => String(i + 1).repeat(12));
const UNRELATED = { auth: Buffer.from('frank:unrelated').toString('base64') };
const PROXIES = { default: { httpProxy: 'http://proxy.invalid:3128' } };

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/**
 * Polls until some process reads `lock` after its last change: a waiting step reads the holder's token before
 * judging the lock's age. The atime is put behind the mtime, so the next read moves it (relatime, Linux's
 * default; a heartbeat touch sets both alike).
 */
async function nextRead(lock: string): Promise<void> {
  const { mtime } = await stat(lock);
  await utimes(lock, new Date(mtime.getTime() - 60_000), mtime);
  await waitFor(
    `a step to read ${lock}`,
    async () => {
      const s = await stat(lock);
      return s.atimeMs > s.mtimeMs ? true : undefined;
    },
    30_000,
  );
}

describe.skipIf(!(requireTool('docker-registry') && requireTool('htpasswd') && requireTool('skopeo')))(
  'concurrent jobs on one shared HOME',
  () => {
    let bench: Bench;
    let home = '';
    let dockerDir = '';
    const host = (i: number) => bench.host(i);
    const password = (i: number) => bench.password(i);

    beforeAll(async () => {
      bench = await startBench({
        name: 'e2e-concurrency',
        accounts: ACCOUNTS,
        region: REGION,
        accessKeyId: 'AKIAE2ECONCURRENT001',
      });
      expect(new Set(bench.world.registries.map((r) => r.loginHost)).size).toBe(JOBS);
      home = join(bench.root, 'shared-home');
      dockerDir = join(home, '.docker');
    }, 120_000);
    afterAll(async () => {
      await bench?.close();
    });

    /** A fresh shared config: one unrelated login and a user setting, with an old mtime. */
    async function resetShared() {
      await rm(dockerDir, { recursive: true, force: true });
      return writeUserConfig(
        home,
        { auths: { 'unrelated.example': UNRELATED }, proxies: PROXIES },
        { space: 0 },
      );
    }
    const shared = () => readConfig(dockerDir);

    /** Separate jobs (own RUNNER_TEMP, own file commands), one HOME. */
    const jobs = () => bench.jobs(JOBS);
    const step = (
      w: Workspace,
      name: 'main' | 'post',
      inputs: Record<string, string> = {},
      path = '/usr/bin:/bin',
    ) => bench.step(w, name, inputs, { path, env: { HOME: home }, timeoutMs: 90_000 });
    const ownEntry = (i: number) => ({ auth: b64(`AWS:${password(i)}`) });

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
      expect(await fileMode(join(dockerDir, 'config.json'))).toBe(0o600);
      expect(await readdir(dockerDir)).toEqual(['config.json']); // no lock, no temp file
      // Every stored credential opens its registry.
      const statuses = await Promise.all(
        range(JOBS).map((i) => checkAuth(bench.world.registries[i]?.url ?? '', 'AWS', password(i))),
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
          expect(await readConfig(dir)).toEqual({
            auths: { 'unrelated.example': UNRELATED, [host(i)]: ownEntry(i) },
            proxies: PROXIES,
          });
          expect(await readdir(dir)).toEqual(['.ecr-login-owner', 'config.json']);
        }),
      );
      await expectUntouched(before);
      // A real client in job i gets into registry i and not into registry i+1.
      for (const i of range(JOBS)) {
        const env = clientEnv({ home, xdg: bench.xdg, dockerConfig: dirs[i] ?? '' });
        expect(await skopeoView(host(i), env)).toBe('authenticated');
        expect(await skopeoView(host((i + 1) % JOBS), env)).toBe('unauthorized');
      }

      const posts = await Promise.all(ws.map((w) => step(w, 'post')));
      for (const p of posts) expectOk(p);
      for (const dir of dirs) expect(existsSync(dir)).toBe(false);
      await expectUntouched(before);
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
      // Two reads of the lock: main has judged it (fresh) at least once and is still waiting.
      await nextRead(lock);
      await nextRead(lock);
      expect(done).toBe(false);
      expect((await shared()).auths?.[host(3)]).toBeUndefined();
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
      await nextRead(lock);
      await nextRead(lock);
      expect(done).toBe(false);
      expect((await shared()).auths?.[host(3)]).toEqual(ownEntry(3));
      await rm(lock);
      expectOk(await cleaning);
      expect(await shared()).toEqual({ auths: { 'unrelated.example': UNRELATED }, proxies: PROXIES });
      expect(existsSync(lock)).toBe(false);
    }, 60_000);

    // docker login runs on a private copy with no lock held (the lock guards only our read-change-write), so
    // a docker login that takes long (retries against a slow registry) never keeps another job waiting.
    it.skipIf(!requireTool('docker'))(
      'a docker login that takes long holds no lock: another job logs in meanwhile, and both entries stay',
      async () => {
        await resetShared();
        const lock = join(dockerDir, 'config.json.lock');
        const slow = join(bench.root, 'slow-docker-bin');
        const started = join(bench.root, 'slow-login-started');
        const go = join(bench.root, 'slow-login-go');
        await Promise.all([rm(started, { force: true }), rm(go, { force: true })]);
        const wait = `: > ${JSON.stringify(started)}; i=0; while [ ! -e ${JSON.stringify(go)} ] && [ $i -lt 1200 ]; do sleep 0.05; i=$((i+1)); done`;
        await dockerWrapper(slow, `case "$1" in login) ${wait} ;; esac`, findTool('docker') ?? 'docker');
        const [a, b] = await jobs();
        if (!a || !b) throw new Error('no jobs');
        const slowMain = step(
          a,
          'main',
          // The docker login deadline is api-timeout-seconds: this one is slow, not hung.
          { registries: ACCOUNTS[0] ?? '', 'login-method': 'docker', 'api-timeout-seconds': '60' },
          `${slow}:/usr/bin:/bin`,
        );
        await waitFor(
          "job a's docker login to start",
          () => (existsSync(started) ? true : undefined),
          30_000,
        );
        expect(existsSync(lock)).toBe(false);
        const mainB = await step(b, 'main', { registries: ACCOUNTS[1] ?? '' });
        await writeFile(go, '');
        const mainA = await slowMain;
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
