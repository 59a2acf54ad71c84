// installHelper and removeHelper on real files, and the launcher run as a real process.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CACHE_DIR_VARIABLE } from '../../src/helper/cache.js';
import { installHelper, removeHelper } from '../../src/helper/launcher.js';

const run = promisify(execFile);
let temp: string;
beforeEach(async () => {
  temp = await mkdtemp(join(tmpdir(), 'ecr-login-launcher-unit-'));
});
afterEach(async () => {
  await rm(temp, { recursive: true, force: true });
});

describe('installHelper', () => {
  it('creates a private home whose launcher runs the bundle with the same node, then removes it', async () => {
    const bundle = join(temp, 'fake-bundle.mjs');
    await writeFile(
      bundle,
      `process.stdout.write(JSON.stringify({ argv: process.argv.slice(2), cache: process.env.${CACHE_DIR_VARIABLE}, node: process.execPath }));\n`,
    );
    const home = await installHelper(temp, bundle);
    expect(home.name).toMatch(/^ecr-login-job-[0-9a-f]{8}$/);
    expect(home.launcher).toBe(join(home.binDir, `docker-credential-${home.name}`));
    for (const d of [home.dir, home.binDir, home.cacheDir]) expect((await stat(d)).mode & 0o777).toBe(0o700);
    expect((await stat(home.launcher)).mode & 0o777).toBe(0o700);
    expect(await readdir(home.cacheDir)).toEqual([]);
    expect((await readFile(join(home.dir, '.ecr-login-owner'), 'utf8')).trim()).toBe(home.id);
    const { stdout } = await run(home.launcher, ['get'], { env: { PATH: '/usr/bin:/bin' }, timeout: 30_000 });
    expect(JSON.parse(stdout)).toEqual({ argv: ['get'], cache: home.cacheDir, node: process.execPath });
    expect(await readFile(home.launcher, 'utf8')).not.toMatch(/AWS|password|Secret/i);
    await removeHelper(home, temp);
    expect(existsSync(home.dir)).toBe(false);
    await removeHelper(home, temp); // already gone: nothing to do
  });

  it('deletes only an install home right inside RUNNER_TEMP, after resolving links', async () => {
    const home = await installHelper(temp, '/b.js');
    const elsewhere = await mkdtemp(join(tmpdir(), 'ecr-login-helper-'));
    const link = join(temp, 'ecr-login-helper-link');
    await symlink(elsewhere, link);
    try {
      for (const [record, bad] of [
        [{ ...home, dir: elsewhere }, /credential helper directory .* not ours in RUNNER_TEMP/],
        [{ ...home, dir: link }, /not ours in RUNNER_TEMP/],
        [{ ...home, dir: temp }, /not ours in RUNNER_TEMP/],
        [{ ...home, name: 'osxkeychain' }, /unexpected credential helper "osxkeychain"/],
        [{ ...home, id: 'f'.repeat(32) }, /lacks the \.ecr-login-owner main wrote/],
      ] as const) {
        await expect(removeHelper(record, temp)).rejects.toThrow(bad);
      }
      expect(existsSync(elsewhere)).toBe(true);
      expect(existsSync(home.launcher)).toBe(true);
    } finally {
      await rm(elsewhere, { recursive: true, force: true });
    }
  });

  it('gives every install its own name', async () => {
    const [a, b] = await Promise.all([installHelper(temp, '/b.js'), installHelper(temp, '/b.js')]);
    expect(a?.name).not.toBe(b?.name);
    expect(a?.dir).not.toBe(b?.dir);
  });
});
