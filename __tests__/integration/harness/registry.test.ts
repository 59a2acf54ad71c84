// The real registry accepts exactly its own password, works with the real docker CLI (no daemon), and
// leaves no process behind.
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { processAlive, waitFor } from '../../support/daemon.js';
import {
  checkAuth,
  type Registry,
  requireTool,
  startRegistries,
  startRegistry,
} from '../../support/registry.js';

const hasRegistry = requireTool('docker-registry') && requireTool('htpasswd');
const open: Registry[] = [];

afterEach(async () => {
  await Promise.all(open.splice(0).map((r) => r.close()));
});

describe('requireTool', () => {
  it('returns true for a present tool, false for a missing one, and throws in CI', () => {
    expect(requireTool('node', { PATH: process.env.PATH })).toBe(true);
    expect(requireTool('no-such-tool-xyz', { PATH: '/nonexistent' })).toBe(false);
    expect(requireTool('no-such-tool-xyz', { PATH: '/nonexistent', CI: 'false' })).toBe(false);
    expect(() => requireTool('no-such-tool-xyz', { PATH: '/nonexistent', CI: 'true' })).toThrow(
      /no-such-tool-xyz.*in CI this is a failure/,
    );
  });
});

describe.skipIf(!hasRegistry)('real docker-registry', () => {
  it('starts with htpasswd auth: 401 without or with a wrong credential, 200 with the right one', async () => {
    const reg = await startRegistry({ password: 'hunter2-registry' });
    open.push(reg);
    expect(reg.host).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(reg.url).toBe(`http://${reg.host}`);
    expect(await checkAuth(reg.url)).toBe(401);
    expect(await checkAuth(reg.url, 'AWS', 'wrong')).toBe(401);
    expect(await checkAuth(reg.url, 'someone', 'hunter2-registry')).toBe(401);
    expect(await checkAuth(reg.url, 'AWS', 'hunter2-registry')).toBe(200);
  });

  it('starts several in parallel on distinct ports, each with its own password, and closes them', async () => {
    const regs = await startRegistries(3, ['pw-a', 'pw-b', 'pw-c']);
    open.push(...regs);
    expect(new Set(regs.map((r) => r.port)).size).toBe(3);
    const matrix = await Promise.all(
      regs.map((r) => Promise.all(['pw-a', 'pw-b', 'pw-c'].map((pw) => checkAuth(r.url, 'AWS', pw)))),
    );
    expect(matrix).toEqual([
      [200, 401, 401],
      [401, 200, 401],
      [401, 401, 200],
    ]);
    await Promise.all(open.splice(0).map((r) => r.close()));
    for (const r of regs) {
      expect(processAlive(r.pid)).toBe(false);
      await expect(checkAuth(r.url)).rejects.toThrow();
    }
  });

  it('dies with the test process even when that is SIGKILLed (no leak from an aborted run)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ecr-login-orphan-'));
    try {
      const script = join(dir, 'start.mts');
      const registryModule = pathToFileURL(join(import.meta.dirname, '../../support/registry.js')).href;
      await writeFile(
        script,
        `import { startRegistry } from ${JSON.stringify(registryModule)};\n` +
          `const r = await startRegistry({ password: 'x' });\nconsole.log('pid ' + r.pid + ' dir ' + r.dir);\nsetInterval(() => {}, 1000);\n`,
      );
      const child = spawn(process.execPath, ['--import', 'tsx', script], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let registryDir = '';
      const pid = await new Promise<number>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no pid from the child')), 15_000);
        child.once('exit', (code) => {
          clearTimeout(timer);
          reject(new Error(`the child exited early (${code})`));
        });
        child.stdout.on('data', (d: Buffer) => {
          const m = /pid (\d+) dir (\S+)/.exec(d.toString());
          if (m) {
            clearTimeout(timer);
            registryDir = m[2] ?? '';
            resolve(Number(m[1]));
          }
        });
      });
      expect(processAlive(pid)).toBe(true);
      child.kill('SIGKILL');
      await waitFor('the orphaned registry to die', () => (processAlive(pid) ? undefined : true), 5000);
      // The killed test could not clean up; this one does, for it.
      expect(registryDir).toMatch(/ecr-login-registry-/);
      await rm(registryDir, { recursive: true, force: true });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it.skipIf(!requireTool('docker'))('accepts a real `docker login` without a docker daemon', async () => {
    const reg = await startRegistry({ password: 'docker-cli-pw' });
    open.push(reg);
    const dockerConfig = await mkdtemp(join(tmpdir(), 'ecr-login-dockercfg-'));
    try {
      const login = (password: string) =>
        new Promise<{ code: number; out: string }>((resolve) => {
          const child = execFile(
            'docker',
            ['login', '--username', 'AWS', '--password-stdin', reg.host],
            {
              env: { PATH: process.env.PATH, DOCKER_CONFIG: dockerConfig, HOME: dockerConfig },
              timeout: 20_000,
            },
            (err, stdout, stderr) =>
              resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, out: stdout + stderr }),
          );
          child.stdin?.end(password);
        });
      const bad = await login('nope');
      expect(bad.code, bad.out).not.toBe(0);
      expect(bad.out).toMatch(/unauthorized|401/i);
      const good = await login('docker-cli-pw');
      expect(good.code, good.out).toBe(0);
      const config = JSON.parse(await readFile(join(dockerConfig, 'config.json'), 'utf8'));
      expect(config.auths[reg.host].auth).toBe(Buffer.from('AWS:docker-cli-pw').toString('base64'));
    } finally {
      await rm(dockerConfig, { recursive: true, force: true });
    }
  });
});
