import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LOCK_DEFAULTS, lockFile, lockOptions, withConfigLock } from '../../src/docker/config-lock.js';

// A hook after the lock's stat, to play another job acting between a waiter's look and its move.
const hooks = vi.hoisted(() => ({
  afterLockStat: undefined as ((path: string) => Promise<void>) | undefined,
}));
vi.mock('node:fs/promises', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs/promises')>();
  const stat = (async (path: Parameters<typeof real.stat>[0], ...rest: unknown[]) => {
    const result = await (real.stat as (...a: unknown[]) => Promise<unknown>)(path, ...rest);
    const hook = hooks.afterLockStat;
    if (hook && String(path).endsWith('config.json.lock')) {
      hooks.afterLockStat = undefined;
      await hook(String(path));
    }
    return result;
  }) as typeof real.stat;
  return { ...real, stat };
});

const FAST = { staleMs: 60_000, timeoutMs: 20_000, pollMs: 2 };

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ecr-login-lock-unit-'));
});

afterEach(async () => {
  hooks.afterLockStat = undefined;
  await rm(dir, { recursive: true, force: true });
});

const tick = () => new Promise((r) => setImmediate(r));

describe('withConfigLock', () => {
  it('lives beside config.json', () => {
    expect(lockFile(join('x', '.docker'))).toBe(join('x', '.docker', 'config.json.lock'));
  });

  it('takes the stale age from ECR_LOGIN_LOCK_STALE_MS when set, and refuses a malformed one', async () => {
    expect(lockOptions({})).toBe(LOCK_DEFAULTS);
    expect(lockOptions({ ECR_LOGIN_LOCK_STALE_MS: '' })).toBe(LOCK_DEFAULTS);
    expect(lockOptions({ ECR_LOGIN_LOCK_STALE_MS: '400' })).toEqual({ ...LOCK_DEFAULTS, staleMs: 400 });
    for (const bad of ['0', '-5', '1.5', '30s', ' 400', '99999999999'])
      expect(() => lockOptions({ ECR_LOGIN_LOCK_STALE_MS: bad }), bad).toThrow(
        `ECR_LOGIN_LOCK_STALE_MS must be a whole number of milliseconds, not "${bad}"`,
      );
    // withConfigLock reads it when no options are given: a lock 1 s old is stale at 400 ms.
    const path = lockFile(dir);
    await writeFile(path, '99999\n');
    const old = new Date(Date.now() - 1000);
    await utimes(path, old, old);
    vi.stubEnv('ECR_LOGIN_LOCK_STALE_MS', '400');
    try {
      await expect(withConfigLock(dir, async () => 'ran')).resolves.toBe('ran');
    } finally {
      vi.unstubAllEnvs();
    }
    expect(existsSync(path)).toBe(false);
  });

  it('holds the lock file (0600, naming our pid, host and machine, with a unique token) during the body and removes it after', async () => {
    const path = lockFile(dir);
    const seen = await withConfigLock(
      dir,
      async () => ({ text: await readFile(path, 'utf8'), mode: (await stat(path)).mode & 0o777 }),
      FAST,
    );
    expect(seen.mode).toBe(0o600);
    expect(seen.text.endsWith('\n')).toBe(true);
    expect(JSON.parse(seen.text)).toEqual({
      pid: process.pid,
      host: hostname(),
      machine: expect.stringMatching(/^[0-9a-f]{8}$/),
      token: expect.stringMatching(/^[0-9a-f]{16}$/),
    });
    expect(existsSync(path)).toBe(false);
  });

  it('removes the lock when the body throws, and passes the error on', async () => {
    await expect(
      withConfigLock(
        dir,
        async () => {
          throw new Error('body failed');
        },
        FAST,
      ),
    ).rejects.toThrow('body failed');
    expect(existsSync(lockFile(dir))).toBe(false);
  });

  it('never runs two bodies at once: 8 concurrent read-modify-writes all land', async () => {
    const counter = join(dir, 'counter');
    await writeFile(counter, '0');
    let active = 0;
    let maxActive = 0;
    const order: number[] = [];
    await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        withConfigLock(
          dir,
          async () => {
            active++;
            maxActive = Math.max(maxActive, active);
            const n = Number(await readFile(counter, 'utf8'));
            // Yield between read and write, so an unlocked version would lose updates.
            for (let t = 0; t < 3; t++) await tick();
            await writeFile(counter, String(n + 1));
            order.push(i);
            active--;
          },
          FAST,
        ),
      ),
    );
    expect(await readFile(counter, 'utf8')).toBe('8');
    expect(maxActive).toBe(1);
    expect(order.sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(existsSync(lockFile(dir))).toBe(false);
  });

  it('breaks a lock older than staleMs (left by a crashed job)', async () => {
    const path = lockFile(dir);
    await writeFile(path, '99999\n');
    const old = new Date(Date.now() - 10 * 60_000);
    await utimes(path, old, old);
    const holder = await withConfigLock(dir, async () => readFile(path, 'utf8'), {
      ...FAST,
      staleMs: 60_000,
    });
    expect(JSON.parse(holder).pid).toBe(process.pid);
    expect(existsSync(path)).toBe(false);
  });

  it('8 waiters racing to break one stale lock still run one at a time, and nothing is left behind', async () => {
    const path = lockFile(dir);
    for (let round = 0; round < 20; round++) {
      await writeFile(path, '99999\n');
      const old = new Date(Date.now() - 10 * 60_000);
      await utimes(path, old, old);
      let active = 0;
      let maxActive = 0;
      let runs = 0;
      await Promise.all(
        Array.from({ length: 8 }, () =>
          withConfigLock(
            dir,
            async () => {
              active++;
              maxActive = Math.max(maxActive, active);
              for (let t = 0; t < 5; t++) await tick();
              runs++;
              active--;
            },
            { ...FAST, staleMs: 60_000 },
          ),
        ),
      );
      expect([round, maxActive, runs]).toEqual([round, 1, 8]);
      expect(await readdir(dir)).toEqual([]);
    }
  });

  it('does not remove a fresh lock another waiter took after breaking the stale one this waiter saw', async () => {
    const path = lockFile(dir);
    await writeFile(path, '99999\n');
    const old = new Date(Date.now() - 10 * 60_000);
    await utimes(path, old, old);
    // Right after this waiter judged the lock stale, another job breaks it and takes its own.
    hooks.afterLockStat = async (p) => {
      await rm(p);
      await writeFile(p, 'other-job\n');
    };
    let ran = false;
    await expect(
      withConfigLock(
        dir,
        async () => {
          ran = true;
        },
        { staleMs: 60_000, timeoutMs: 50, pollMs: 2 },
      ),
    ).rejects.toThrow('timed out');
    expect(ran).toBe(false);
    expect(await readFile(path, 'utf8')).toBe('other-job\n');
    expect(await readdir(dir)).toEqual(['config.json.lock']);
  });

  it('does not break a fresh lock of an unnamed holder: times out naming the lock path, never inviting its removal', async () => {
    const path = lockFile(dir);
    await writeFile(path, '4242\n');
    let ran = false;
    await expect(
      withConfigLock(
        dir,
        async () => {
          ran = true;
        },
        { staleMs: 600_000, timeoutMs: 30, pollMs: 2 },
      ),
    ).rejects.toThrow(
      `timed out after 0.03s waiting for ${path}, held by a process that did not name itself; such a lock is broken when it is 600s old.`,
    );
    expect(ran).toBe(false);
    expect(await readFile(path, 'utf8')).toBe('4242\n');
  });

  it('waits for a held lock and runs once it is released', async () => {
    const path = lockFile(dir);
    await writeFile(path, '4242\n');
    let ran = false;
    const pending = withConfigLock(
      dir,
      async () => {
        ran = true;
        return 'done';
      },
      FAST,
    );
    for (let t = 0; t < 20; t++) await tick();
    expect(ran).toBe(false);
    await rm(path);
    await expect(pending).resolves.toBe('done');
    expect(ran).toBe(true);
  });

  it('removes only its own lock, not one another job took after breaking it', async () => {
    const path = lockFile(dir);
    await withConfigLock(
      dir,
      async () => {
        // Another job judged ours stale, broke it and took its own.
        await rm(path);
        await writeFile(path, '4242\n');
      },
      FAST,
    );
    expect(await readFile(path, 'utf8')).toBe('4242\n');
  });

  it('keeps its lock fresh while a slow body runs, so no one breaks it as stale', async () => {
    const path = lockFile(dir);
    const refreshed = await withConfigLock(
      dir,
      async () => {
        const old = new Date(Date.now() - 60_000);
        await utimes(path, old, old);
        for (let i = 0; i < 500; i++) {
          await new Promise((r) => setTimeout(r, 5));
          if ((await stat(path)).mtimeMs > old.getTime() + 30_000) return true;
        }
        return false;
      },
      { ...FAST, staleMs: 40 },
    );
    expect(refreshed).toBe(true);
    expect(existsSync(path)).toBe(false);
  });

  it('passes through errors other than "exists" (no directory)', async () => {
    await expect(withConfigLock(join(dir, 'missing'), async () => 1, FAST)).rejects.toMatchObject({
      code: 'ENOENT',
    });
  });
});
