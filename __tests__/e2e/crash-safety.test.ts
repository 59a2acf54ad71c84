// Crash safety and shared runners, end to end: the dist bundles run as the Actions runner runs them, against
// the ECR stand-in, REAL docker-registry instances and the REAL docker CLI. No lock is held while docker
// runs, a foreign `docker login` landing meanwhile is kept, a SIGKILL right after the write still leaves
// state post cleans up with, post removes what it can without docker, and post deletes nothing a forged
// state points at.
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLoopbackServer } from '../support/loopback-server.js';
import { requireTool } from '../support/registry.js';
import type { StepResult, Workspace } from '../support/runner.js';
import { findTool } from '../support/tools.js';
import {
  type Bench,
  b64,
  fakeHelper,
  type Helper,
  readConfig,
  runTool,
  startBench,
  writeUserConfig,
} from './clients.js';
import { expectOk, pathWithout } from './helpers.js';

const REGION = 'us-east-1';
const ACCOUNTS = ['111111111111', '222222222222'];
const HUNG = '555555555555';
const FRONTED = '666666666666';
const KILLED = '777777777777';
const KEEP = { auth: b64('frank:keep') };

const until = async (what: string, done: () => boolean | Promise<boolean>) => {
  for (let i = 0; i < 1200; i++) {
    if (await done()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
};
/** The processes whose DOCKER_CONFIG is `dir` (read from /proc: they are our own user's). */
async function dockerRunsOn(dir: string): Promise<string[]> {
  const pids = (await readdir('/proc')).filter((p) => /^\d+$/.test(p));
  const env = await Promise.all(pids.map((p) => readFile(`/proc/${p}/environ`, 'utf8').catch(() => '')));
  return pids.filter((_, i) => env[i]?.split('\0').includes(`DOCKER_CONFIG=${dir}`));
}
const warningsOf = (s: StepResult) => s.commands.filter((c) => c.name === 'warning').map((c) => c.message);

describe.skipIf(!(requireTool('docker-registry') && requireTool('htpasswd') && requireTool('docker')))(
  'crash safety and shared runners',
  () => {
    let bench: Bench;
    let helper: Helper;
    const host = (i: number) => bench.host(i);
    const password = (i: number) => bench.password(i);
    const systemPath = ['/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'].join(':');
    const step = (
      w: Workspace,
      name: 'main' | 'post',
      inputs: Record<string, string> = {},
      env: Record<string, string> = {},
      path = systemPath,
    ) => bench.step(w, name, inputs, { path, env, timeoutMs: 90_000 });

    beforeAll(async () => {
      bench = await startBench({
        name: 'e2e-crash-safety',
        accounts: ACCOUNTS,
        region: REGION,
        accessKeyId: 'AKIAE2ECRASHSAFE0001',
      });
      helper = await fakeHelper(bench.root);
    }, 120_000);
    afterAll(async () => {
      await bench?.close();
    });

    /** A front for registry 0, ECR's endpoint for `account`, that holds every request until released. */
    async function gatedFront(account: string) {
      let held = 0;
      let release = () => {};
      const gate = new Promise<void>((r) => {
        release = r;
      });
      const target = bench.world.registries[0]?.url ?? '';
      const front = await startLoopbackServer(async (req, res) => {
        held++;
        await gate;
        const headers: Record<string, string> = {};
        if (req.headers.authorization) headers.authorization = req.headers.authorization;
        const answer = await fetch(`${target}${req.url ?? '/'}`, { method: req.method ?? 'GET', headers });
        const out: Record<string, string> = { 'content-type': answer.headers.get('content-type') ?? '' };
        const challenge = answer.headers.get('www-authenticate');
        if (challenge) out['www-authenticate'] = challenge;
        res.writeHead(answer.status, out).end(Buffer.from(await answer.arrayBuffer()));
      });
      bench.ecr.config.accounts[`${account}/${REGION}`] = { proxyEndpoint: front.url, password: password(0) };
      return {
        host: front.url.replace('http://', ''),
        held: () => held,
        release: () => release(),
        close: async () => {
          release();
          await front.close();
          delete bench.ecr.config.accounts[`${account}/${REGION}`];
        },
      };
    }

    it('no lock is held while docker login hangs on a registry: another job on the same HOME writes meanwhile', async () => {
      const sockets = new Set<Socket>();
      const hung = createServer((s) => {
        sockets.add(s);
        s.on('error', () => {});
      });
      await new Promise<void>((r) => hung.listen(0, '127.0.0.1', r));
      const port = (hung.address() as { port: number }).port;
      bench.ecr.config.accounts[`${HUNG}/${REGION}`] = {
        proxyEndpoint: `http://127.0.0.1:${port}`,
        password: 'never-checked',
      };
      try {
        const [a, b] = await bench.jobs(2);
        if (!a || !b) throw new Error('no jobs');
        const home = join(bench.root, 'hung-home');
        const user = await writeUserConfig(home, { auths: { 'keep.example': KEEP } });
        let aDone = false;
        const mainA = step(a, 'main', { registries: HUNG, 'login-method': 'docker' }, { HOME: home }).finally(
          () => {
            aDone = true;
          },
        );
        await until('docker login to reach the hung registry', () => sockets.size > 0);
        const mainB = await step(b, 'main', { registries: ACCOUNTS[0] ?? '' }, { HOME: home });
        expectOk(mainB);
        expect(aDone, 'job B finished while job A still waits on its registry').toBe(false);
        expect((await readConfig(user.dir)).auths?.[host(0)]).toEqual({ auth: b64(`AWS:${password(0)}`) });
        for (const s of sockets) s.destroy();
        hung.close();
        await mainA;
        expectOk(await step(b, 'post', {}, { HOME: home }));
        expect((await readConfig(user.dir)).auths).toEqual({ 'keep.example': KEEP });
      } finally {
        for (const s of sockets) s.destroy();
        hung.close();
        delete bench.ecr.config.accounts[`${HUNG}/${REGION}`];
      }
    }, 120_000);

    it('a foreign docker login that lands while our docker login waits on its registry is kept', async () => {
      const front = await gatedFront(FRONTED);
      try {
        const w = await bench.job();
        const user = await writeUserConfig(w.home, { auths: { 'keep.example': KEEP } });
        const main = step(w, 'main', { registries: FRONTED, 'login-method': 'docker' });
        await until('our docker login to reach the registry', () => front.held() > 0);
        const real = findTool('docker') ?? 'docker';
        const foreign = await runTool(real, ['login', '-u', 'AWS', '-p', password(1), host(1)], {
          PATH: systemPath,
          HOME: w.home,
        });
        expect(foreign.code, foreign.out).toBe(0);
        front.release();
        expectOk(await main);
        // docker's private copy of the config (other credentials in it) is gone as soon as docker returned.
        expect((await readdir(w.runnerTemp)).filter((f) => f.startsWith('ecr-login-copy-'))).toEqual([]);
        expect((await readConfig(user.dir)).auths).toEqual({
          'keep.example': KEEP,
          [host(1)]: { auth: b64(`AWS:${password(1)}`) },
          [front.host]: { auth: b64(`AWS:${password(0)}`) },
        });
        expectOk(await step(w, 'post'));
        expect((await readConfig(user.dir)).auths).toEqual({
          'keep.example': KEEP,
          [host(1)]: { auth: b64(`AWS:${password(1)}`) },
        });
      } finally {
        await front.close();
      }
    }, 120_000);

    it("a main SIGKILLed while docker login runs leaves docker's private copy: post removes it once main is gone", async () => {
      const front = await gatedFront(KILLED);
      try {
        const w = await bench.job();
        const user = await writeUserConfig(w.home, { auths: { 'keep.example': KEEP } });
        const main = step(w, 'main', { registries: KILLED, 'login-method': 'docker' });
        await until('docker login to reach the registry', () => front.held() > 0);
        const copies = (await readdir(w.runnerTemp)).filter((f) => f.startsWith('ecr-login-copy-'));
        expect(copies).toHaveLength(1);
        const copy = join(w.runnerTemp, copies[0] ?? '');
        const owner = Number(/^ecr-login-copy-(\d+)\./.exec(copies[0] ?? '')?.[1]);
        expect((await dockerRunsOn(copy)).length).toBe(1);
        process.kill(owner, 'SIGKILL');
        expect((await main).signal).toBe('SIGKILL');
        // docker runs in its own process group: it outlives main and finishes on the copy.
        front.release();
        await until('the orphaned docker login to end', async () => (await dockerRunsOn(copy)).length === 0);
        expect((await readConfig(copy)).auths?.['keep.example']).toEqual(KEEP);
        const post = await step(w, 'post');
        expectOk(post);
        expect(existsSync(copy)).toBe(false);
        expect(post.stdout).toContain(`Removed ${copy}`);
        expect(await readConfig(user.dir)).toEqual({ auths: { 'keep.example': KEEP } });
      } finally {
        await front.close();
      }
    }, 120_000);

    for (const method of ['auto', 'docker']) {
      it(`SIGKILL right after the credential is written (${method}): post still removes it`, async () => {
        const w = await bench.job();
        const user = await writeUserConfig(w.home, { auths: { 'keep.example': KEEP } });
        const main = await step(
          w,
          'main',
          { registries: ACCOUNTS[0] ?? '', 'login-method': method },
          { ECR_LOGIN_TEST_KILL_AFTER_WRITE: '1' },
        );
        expect(main.signal).toBe('SIGKILL');
        expect((await readConfig(user.dir)).auths?.[host(0)]).toEqual({ auth: b64(`AWS:${password(0)}`) });
        expectOk(await step(w, 'post'));
        expect(await readConfig(user.dir)).toEqual({ auths: { 'keep.example': KEEP } });
      });
    }

    it('an expiresAt that cannot be represented fails that registry before anything is written', async () => {
      const w = await bench.job();
      const user = await writeUserConfig(w.home, { auths: { 'keep.example': KEEP } });
      bench.ecr.config.tokenTtlSeconds = 1e15;
      let main: StepResult;
      try {
        main = await step(w, 'main', { registries: ACCOUNTS[0] ?? '' });
      } finally {
        delete bench.ecr.config.tokenTtlSeconds;
      }
      expect(main.succeeded).toBe(false);
      expect(main.signal).toBeNull();
      expect(main.commands.find((c) => c.name === 'error')?.message).toMatch(/expiresAt/);
      expect((await readFile(user.file)).equals(user.bytes)).toBe(true);
      expectOk(await step(w, 'post'));
      expect((await readFile(user.file)).equals(user.bytes)).toBe(true);
    });

    it('post without docker on PATH removes the file entry docker login wrote', async () => {
      const w = await bench.job();
      const user = await writeUserConfig(w.home, { auths: { 'keep.example': KEEP } });
      expectOk(await step(w, 'main', { registries: ACCOUNTS[0] ?? '', 'login-method': 'docker' }));
      expect((await readConfig(user.dir)).auths?.[host(0)]).toEqual({ auth: b64(`AWS:${password(0)}`) });
      const post = await step(w, 'post', {}, {}, pathWithout('docker', systemPath));
      expectOk(post);
      expect((await readConfig(user.dir)).auths).toEqual({ 'keep.example': KEEP });
    });

    it('post without docker on PATH removes the helper marker and names the credential left in the helper', async () => {
      await helper.reset();
      const w = await bench.job();
      const user = await writeUserConfig(w.home, {
        auths: { 'keep.example': KEEP },
        credHelpers: { [host(0)]: 'fake' },
      });
      expectOk(await step(w, 'main', { registries: ACCOUNTS[0] ?? '' }, {}, `${helper.bin}:${systemPath}`));
      expect((await readConfig(user.dir)).auths?.[host(0)]).toEqual({});
      expect(Object.keys(await helper.store())).toEqual([host(0)]);
      const post = await step(w, 'post', {}, {}, `${helper.bin}:${pathWithout('docker', systemPath)}`);
      expectOk(post);
      expect(await readConfig(user.dir)).toEqual({
        auths: { 'keep.example': KEEP },
        credHelpers: { [host(0)]: 'fake' },
      });
      const warnings = warningsOf(post).join('\n');
      expect(warnings).toContain(host(0));
      expect(warnings).toContain('docker-credential-fake');
    });

    describe('post deletes only what main created', () => {
      /** A job whose main ran with isolate-config; its state is then forged before post. */
      async function isolatedJob() {
        const w = await bench.job();
        await writeUserConfig(w.home, { auths: { 'keep.example': KEEP } });
        const main = await step(w, 'main', { registries: ACCOUNTS[0] ?? '', 'isolate-config': 'true' });
        expectOk(main);
        const key = Object.keys(w.state)[0] ?? '';
        const state = JSON.parse(w.state[key] ?? '{}') as Record<string, unknown>;
        return { w, key, state, dir: main.outputs['docker-config'] ?? '' };
      }

      /** A directory with a file in it, to see it is not deleted. */
      async function victim(dir: string) {
        await mkdir(dir, { recursive: true });
        await writeFile(join(dir, 'precious'), 'keep me');
        return () => existsSync(join(dir, 'precious'));
      }

      const forged: [string, (j: Awaited<ReturnType<typeof isolatedJob>>) => Promise<string>][] = [
        ['$HOME', async (j) => j.w.home],
        ['RUNNER_TEMP/../x', async (j) => `${j.w.runnerTemp}/../x`],
        [
          'a symlink in RUNNER_TEMP to elsewhere',
          async (j) => {
            const link = join(j.w.runnerTemp, 'ecr-login-docker-link');
            await symlink(join(j.w.root, 'elsewhere'), link);
            await victim(join(j.w.root, 'elsewhere'));
            return link;
          },
        ],
        [
          'a directory in RUNNER_TEMP without the marker',
          async (j) => {
            await victim(join(j.w.runnerTemp, 'ecr-login-docker-other'));
            return join(j.w.runnerTemp, 'ecr-login-docker-other');
          },
        ],
      ];
      for (const [what, make] of forged) {
        it(`isolatedDir forged to ${what}: nothing deleted, a warning`, async () => {
          const j = await isolatedJob();
          const target = await make(j);
          const exists = await victim(target);
          j.w.state[j.key] = JSON.stringify({ ...j.state, isolatedDir: target });
          const post = await step(j.w, 'post');
          expectOk(post);
          expect(exists()).toBe(true);
          expect(warningsOf(post).join('\n')).toMatch(/isolatedDir/);
        });
      }

      it('the real isolated dir with a wrong id: nothing deleted, a warning', async () => {
        const j = await isolatedJob();
        j.w.state[j.key] = JSON.stringify({ ...j.state, isolatedId: 'f'.repeat(32) });
        const post = await step(j.w, 'post');
        expectOk(post);
        expect(existsSync(join(j.dir, 'config.json'))).toBe(true);
        expect(warningsOf(post).join('\n')).toMatch(/isolatedDir/);
      });

      it('the real state deletes the isolated dir', async () => {
        const j = await isolatedJob();
        expectOk(await step(j.w, 'post'));
        expect(existsSync(j.dir)).toBe(false);
      });

      const badFields: [string, string, (s: Record<string, unknown>) => Record<string, unknown>][] = [
        [
          'a host with a path',
          'logins',
          (s) => ({ ...s, logins: [{ host: '../../etc', store: 'config-file' }] }),
        ],
        ['an unknown store', 'logins', (s) => ({ ...s, logins: [{ host: 'x.example', store: 'bogus' }] })],
        ['a relative configDir', 'configDir', (s) => ({ ...s, configDir: 'relative/dir' })],
        ['an expiresAt that is no date', 'expiresAt', (s) => ({ ...s, expiresAt: 'tomorrow' })],
      ];
      for (const [what, field, forge] of badFields) {
        it(`${what} in state: a warning naming ${field}, nothing deleted`, async () => {
          const j = await isolatedJob();
          j.w.state[j.key] = JSON.stringify(forge(j.state));
          const post = await step(j.w, 'post');
          expectOk(post);
          expect(existsSync(join(j.dir, 'config.json'))).toBe(true);
          expect((await readConfig(j.dir)).auths?.[host(0)]).toBeDefined();
          expect(warningsOf(post).join('\n')).toContain(field);
        });
      }
    });
  },
);
