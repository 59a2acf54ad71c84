import { lstat, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createIsolatedConfig } from '../../src/docker/isolate.js';

let root: string;
let runnerTemp: string;
let userDir: string;
const made: string[] = [];

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'ecr-login-isolate-unit-'));
  runnerTemp = join(root, 'runner-temp');
  userDir = join(root, 'home', '.docker');
  await mkdir(runnerTemp, { recursive: true });
  await mkdir(userDir, { recursive: true });
});

afterEach(async () => {
  await Promise.all(made.splice(0).map((d) => rm(d, { recursive: true, force: true })));
  await rm(root, { recursive: true, force: true });
});

const CONFIG = '{\n\t"auths": {"other.example": {"auth": "dTpw"}},\n\t"credsStore": "desktop"\n}\n';

describe('createIsolatedConfig', () => {
  it('creates a private directory under RUNNER_TEMP seeded with a 0600 copy of the config', async () => {
    await writeFile(join(userDir, 'config.json'), CONFIG, { mode: 0o644 });
    const dir = await createIsolatedConfig(userDir, { RUNNER_TEMP: runnerTemp });
    made.push(dir);
    expect(dirname(dir)).toBe(runnerTemp);
    expect(basename(dir)).toMatch(/^ecr-login-docker-.{6}$/);
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
    expect(await readdir(dir)).toEqual(['config.json']);
    expect(await readFile(join(dir, 'config.json'), 'utf8')).toBe(CONFIG);
    expect((await stat(join(dir, 'config.json'))).mode & 0o777).toBe(0o600);
    // The user's config is left as it was.
    expect(await readFile(join(userDir, 'config.json'), 'utf8')).toBe(CONFIG);
    expect((await stat(join(userDir, 'config.json'))).mode & 0o777).toBe(0o644);
  });

  it('starts empty when there is no config to copy', async () => {
    const dir = await createIsolatedConfig(join(root, 'no-such-dir'), { RUNNER_TEMP: runnerTemp });
    made.push(dir);
    expect(await readdir(dir)).toEqual([]);
  });

  it('gives every call its own directory', async () => {
    const a = await createIsolatedConfig(userDir, { RUNNER_TEMP: runnerTemp });
    const b = await createIsolatedConfig(userDir, { RUNNER_TEMP: runnerTemp });
    made.push(a, b);
    expect(a).not.toBe(b);
    expect((await readdir(runnerTemp)).sort()).toEqual([basename(a), basename(b)].sort());
  });

  it('falls back to the system temp directory without RUNNER_TEMP', async () => {
    const dir = await createIsolatedConfig(userDir, {});
    made.push(dir);
    expect(dirname(dir)).toBe(tmpdir());
    expect(basename(dir)).toMatch(/^ecr-login-docker-/);
  });

  it('fails on a config it cannot copy (other than a missing one), leaving no directory behind', async () => {
    await mkdir(join(userDir, 'config.json'));
    await expect(createIsolatedConfig(userDir, { RUNNER_TEMP: runnerTemp })).rejects.toMatchObject({
      code: 'EISDIR',
    });
    expect(await readdir(runnerTemp)).toEqual([]);
  });

  it('links the rest of ~/.docker (plugins, contexts, buildx) so DOCKER_CONFIG hides none of it', async () => {
    await writeFile(join(userDir, 'config.json'), CONFIG);
    await mkdir(join(userDir, 'cli-plugins'));
    await writeFile(join(userDir, 'cli-plugins', 'docker-buildx'), 'plugin');
    await mkdir(join(userDir, 'contexts', 'meta'), { recursive: true });
    const dir = await createIsolatedConfig(userDir, { RUNNER_TEMP: runnerTemp });
    expect((await readdir(dir)).sort()).toEqual(['cli-plugins', 'config.json', 'contexts']);
    expect((await lstat(join(dir, 'cli-plugins'))).isSymbolicLink()).toBe(true);
    expect(await readFile(join(dir, 'cli-plugins', 'docker-buildx'), 'utf8')).toBe('plugin');
    // config.json is a private copy, never a link to the user's.
    expect((await lstat(join(dir, 'config.json'))).isSymbolicLink()).toBe(false);
    // Deleting the private directory (what post does) removes the links, never what they point to.
    await rm(dir, { recursive: true, force: true });
    expect(await readFile(join(userDir, 'cli-plugins', 'docker-buildx'), 'utf8')).toBe('plugin');
    expect(await readdir(join(userDir, 'contexts'))).toEqual(['meta']);
  });
});
