import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CACHE_DIR_VARIABLE } from '../../src/helper/cache.js';
import { credHelperEntries, installHelper, launcherScript, removeHelper } from '../../src/helper/launcher.js';

const run = promisify(execFile);
let temp: string;
beforeEach(async () => {
  temp = await mkdtemp(join(tmpdir(), 'ecr-login-launcher-unit-'));
});
afterEach(async () => {
  await rm(temp, { recursive: true, force: true });
});

describe('launcherScript', () => {
  const target = { node: '/opt/node 24/bin/node', bundle: "/a/it's/index.js", cacheDir: '/tmp/c' };

  it('writes an sh launcher that execs node on the bundle with the cache dir set', () => {
    expect(launcherScript('ecr-login-job-1', target, 'linux')).toEqual({
      file: 'docker-credential-ecr-login-job-1',
      text: `#!/bin/sh\n${CACHE_DIR_VARIABLE}='/tmp/c' exec '/opt/node 24/bin/node' '/a/it'\\''s/index.js' "$@"\n`,
    });
  });

  it('writes a .cmd launcher on Windows', () => {
    const win = {
      node: 'C:\\hostedtoolcache\\node.exe',
      bundle: 'D:\\a\\_actions\\dist\\helper\\index.js',
      cacheDir: 'D:\\a\\_temp\\c',
    };
    expect(launcherScript('n', win, 'win32')).toEqual({
      file: 'docker-credential-n.cmd',
      text: `@echo off\r\nsetlocal\r\nset "${CACHE_DIR_VARIABLE}=D:\\a\\_temp\\c"\r\n"C:\\hostedtoolcache\\node.exe" "D:\\a\\_actions\\dist\\helper\\index.js" %*\r\n`,
    });
  });

  it.each(['C:\\100%\\node.exe', 'C:\\a"b\\node.exe'])('refuses a path cmd cannot quote: %j', (node) => {
    expect(() => launcherScript('n', { ...target, node }, 'win32')).toThrow(/cannot write a \.cmd launcher/);
  });
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

describe('credHelperEntries', () => {
  it('maps every served host to the helper', () => {
    expect(credHelperEntries(['a.example', '127.0.0.1:5000'], 'ecr-login-job-1')).toEqual({
      'a.example': 'ecr-login-job-1',
      '127.0.0.1:5000': 'ecr-login-job-1',
    });
  });
});
