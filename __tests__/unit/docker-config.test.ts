import { existsSync } from 'node:fs';
import {
  chmod,
  chown,
  lstat,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  rm,
  stat,
  symlink,
  utimes,
  writeFile,
} from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  authKeyHost,
  authKeysFor,
  configDir,
  configFile,
  type DockerConfig,
  helperFor,
  readConfig,
  removeStrayTemps,
  restoreUserEntries,
  updateConfig,
  withoutHosts,
} from '../../src/docker/docker-config.js';
import { machineTag } from '../../src/docker/process-owner.js';

const A = '123456789012.dkr.ecr.us-east-1.amazonaws.com';
const B = '210987654321.dkr.ecr.eu-west-1.amazonaws.com';

let root: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'ecr-login-docker-config-unit-'));
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('configDir / configFile', () => {
  it('uses DOCKER_CONFIG (trimmed), else ~/.docker', () => {
    expect(configDir({ DOCKER_CONFIG: ' /x/docker ' })).toBe('/x/docker');
    expect(configDir({ DOCKER_CONFIG: '' })).toBe(join(homedir(), '.docker'));
    expect(configDir({})).toBe(join(homedir(), '.docker'));
    expect(configFile('/x/docker')).toBe('/x/docker/config.json');
  });
});

describe('readConfig', () => {
  it('reads a missing directory, a missing file and an empty file as {}', async () => {
    expect(await readConfig(join(root, 'nope'))).toEqual({});
    expect(await readConfig(root)).toEqual({});
    await writeFile(join(root, 'config.json'), '  \n\t');
    expect(await readConfig(root)).toEqual({});
  });

  it('reads the JSON object', async () => {
    const config = { auths: { [A]: { auth: 'eA==' } }, credsStore: 'desktop', proxies: { default: {} } };
    await writeFile(join(root, 'config.json'), JSON.stringify(config));
    expect(await readConfig(root)).toEqual(config);
  });

  it.each([
    ['invalid JSON', '{"auths": {"x": {"auth": "QVdTOnNlY3JldC1pbi1maWxl"}}'],
    ['an array', '["QVdTOnNlY3JldC1pbi1maWxl"]'],
    ['a string', '"QVdTOnNlY3JldC1pbi1maWxl"'],
    ['null', 'null'],
  ])('refuses %s without quoting the file, and leaves it unchanged', async (_, text) => {
    const file = join(root, 'config.json');
    await writeFile(file, text);
    const error = await readConfig(root).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(error?.message).toBe(`${file} is not a JSON object; fix or remove it (it was left unchanged)`);
    expect(error?.message).not.toContain('QVdTOnNlY3JldC1pbi1maWxl');
    expect(await readFile(file, 'utf8')).toBe(text);
  });

  it('passes other read errors through (a directory where the file should be)', async () => {
    await mkdir(join(root, 'config.json'));
    await expect(readConfig(root)).rejects.toMatchObject({ code: 'EISDIR' });
  });
});

/** A change that replaces the whole config (what writeConfig did before edits became in-place). */
const put = (config: DockerConfig) => () => config;

describe('updateConfig writes', () => {
  it('creates the directory 0700 and the file 0600, tab-indented, with no temp file left', async () => {
    const dir = join(root, 'new', 'docker');
    const config: DockerConfig = { auths: { [A]: { auth: 'QVdTOnB3' } } };
    await updateConfig(dir, put(config));
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
    expect((await stat(join(dir, 'config.json'))).mode & 0o777).toBe(0o600);
    expect(await readFile(join(dir, 'config.json'), 'utf8')).toBe(
      `{\n\t"auths": {\n\t\t"${A}": {\n\t\t\t"auth": "QVdTOnB3"\n\t\t}\n\t}\n}\n`,
    );
    expect(await readdir(dir)).toEqual(['config.json']);
  });

  it('keeps an existing directory’s mode and an existing file’s mode', async () => {
    await chmod(root, 0o755);
    await writeFile(join(root, 'config.json'), '{}', { mode: 0o644 });
    await updateConfig(root, put({ auths: {} }));
    expect((await stat(root)).mode & 0o777).toBe(0o755);
    expect((await stat(join(root, 'config.json'))).mode & 0o777).toBe(0o644);
  });

  it.runIf(process.getuid?.() === 0)(
    'as root, gives a user’s file back to its owner with its mode (not root-owned 0600)',
    async () => {
      const file = join(root, 'config.json');
      await writeFile(file, '{\n  "auths": {}\n}\n', { mode: 0o640 });
      await chmod(file, 0o640);
      await chown(file, 4321, 4322);
      await updateConfig(root, (c) => ({ ...c, auths: { [A]: { auth: 'QVdTOnB3' } } }));
      const after = await stat(file);
      expect([after.uid, after.gid, after.mode & 0o7777]).toEqual([4321, 4322, 0o640]);
    },
  );

  it('replaces the file by rename (a new inode), never rewriting it in place', async () => {
    const file = join(root, 'config.json');
    await writeFile(file, '{}');
    const before = (await stat(file)).ino;
    await updateConfig(root, put({ auths: { [A]: { auth: 'QVdTOnB3' } } }));
    expect((await stat(file)).ino).not.toBe(before);
  });

  it('writes through a symlinked config.json, as the docker CLI does, keeping the link', async () => {
    const dotfiles = join(root, 'dotfiles');
    await mkdir(dotfiles);
    await writeFile(join(dotfiles, 'docker.json'), '{}');
    const dir = join(root, 'home-docker');
    await mkdir(dir);
    await symlink(join(dotfiles, 'docker.json'), join(dir, 'config.json'));
    await updateConfig(dir, put({ auths: { [A]: { auth: 'QVdTOnB3' } } }));
    expect((await lstat(join(dir, 'config.json'))).isSymbolicLink()).toBe(true);
    expect(JSON.parse(await readFile(join(dotfiles, 'docker.json'), 'utf8'))).toEqual({
      auths: { [A]: { auth: 'QVdTOnB3' } },
    });
    expect((await readdir(dotfiles)).sort()).toEqual(['docker.json']);
  });

  it('writes through a dangling config.json symlink (relative, two hops) to a new 0600 target', async () => {
    const dotfiles = join(root, 'dotfiles');
    await mkdir(dotfiles);
    await symlink('real.json', join(dotfiles, 'docker.json'));
    await symlink('dotfiles/docker.json', join(root, 'config.json'));
    await updateConfig(root, put({ auths: { [A]: { auth: 'QVdTOnB3' } } }));
    expect((await lstat(join(root, 'config.json'))).isSymbolicLink()).toBe(true);
    expect((await lstat(join(dotfiles, 'docker.json'))).isSymbolicLink()).toBe(true);
    expect(await readConfig(root)).toEqual({ auths: { [A]: { auth: 'QVdTOnB3' } } });
    expect((await stat(join(dotfiles, 'real.json'))).mode & 0o777).toBe(0o600);
  });

  it('round-trips every key it does not own', async () => {
    const config: DockerConfig = {
      auths: { [A]: { auth: 'QVdTOmE=' }, 'https://index.docker.io/v1/': { auth: 'dTpw', email: 'x@y' } },
      credsStore: 'desktop',
      credHelpers: { [B]: 'ecr-login', 'gcr.io': 'gcloud' },
      proxies: { default: { httpProxy: 'http://proxy:3128', noProxy: 'localhost' } },
      plugins: { buildx: { enabled: 'true' } },
      currentContext: 'remote',
      detachKeys: 'ctrl-e,e',
    };
    await updateConfig(root, put(config));
    expect(await readConfig(root)).toEqual(config);
  });

  it('removes its temp file when the rename fails', async () => {
    const target = join(root, 'target');
    await mkdir(join(target, 'keep'), { recursive: true });
    await symlink('target', join(root, 'config.json'));
    await expect(updateConfig(root, put({ auths: {} }))).rejects.toThrow();
    expect((await readdir(root)).sort()).toEqual(['config.json', 'target']);
  });

  it('keeps the exact bytes of an oddly formatted file around our entry, added and removed', async () => {
    const file = join(root, 'config.json');
    const text =
      '{  "auths" : {\n      "ghcr.io":{"auth":"Z2g=","n":1.0}},\n "n": 12345678901234567890,\n\t"f": 1.50 ,' +
      '\n "proxies": {"default": {"noProxy": "x"}} }\n\n';
    await writeFile(file, text);
    await updateConfig(root, (c) => ({ ...c, auths: { ...c.auths, [A]: { auth: 'QVdTOnB3' } } }));
    const added = await readFile(file, 'utf8');
    expect(added).toBe(text.replace('1.0}}', `1.0},\n      "${A}":{"auth":"QVdTOnB3"}}`));
    await updateConfig(root, (c) => withoutHosts(c, [A]));
    expect(await readFile(file, 'utf8')).toBe(text);
  });

  it('names its temp file as ours (marker, pid, machine) and creates it 0600', async () => {
    let seen: { name: string; mode: number } | undefined;
    await updateConfig(root, put({ auths: { [A]: { auth: 'QVdTOnB3' } } }), {
      beforeRename: async (temp) => {
        seen = { name: basename(temp), mode: (await stat(temp)).mode & 0o777 };
      },
    });
    const name = new RegExp(
      `^\\.config\\.json\\.ecr-login\\.${process.pid}\\.[0-9a-f]{8}\\.[0-9a-f]{12}\\.tmp$`,
    );
    expect(seen?.name).toMatch(name);
    expect(seen?.mode).toBe(0o600);
    expect(await readdir(root)).toEqual(['config.json']);
  });
});

describe('removeStrayTemps', () => {
  it('removes only our temp files whose writer is gone or that are stale, never another program’s', async () => {
    const tag = machineTag();
    const prefix = '.config.json.ecr-login.';
    const names = {
      liveFresh: `${prefix}${process.pid}.${tag}.aaaaaaaaaaaa.tmp`,
      liveOld: `${prefix}${process.pid}.${tag}.bbbbbbbbbbbb.tmp`,
      // pid_max is at most 2^22: no process has this id.
      dead: `${prefix}4194304.${tag}.cccccccccccc.tmp`,
      otherMachine: `${prefix}4194304.00000000.dddddddddddd.tmp`,
      docker: '.config.json.123456.tmp',
      user: 'config.json.ecr-login.1.00000000.eeeeeeeeeeee.tmp',
    };
    for (const name of Object.values(names)) await writeFile(join(root, name), 'x');
    const old = new Date(Date.now() - 120_000);
    await utimes(join(root, names.liveOld), old, old);
    const removed = await removeStrayTemps(root, { staleMs: 60_000 });
    expect(removed.sort()).toEqual([join(root, names.liveOld), join(root, names.dead)].sort());
    expect((await readdir(root)).sort()).toEqual(
      [names.liveFresh, names.otherMachine, names.docker, names.user].sort(),
    );
  });

  it('does nothing where there is no config directory', async () => {
    expect(await removeStrayTemps(join(root, 'nope'))).toEqual([]);
    expect(existsSync(join(root, 'nope'))).toBe(false);
  });
});

describe('a config we cannot safely edit', () => {
  it.each([
    ['"auths" is an array', '{"auths": [], "n": 1.0}', 'has "auths" that is not an object'],
    ['"auths" is a string', '{"auths": "x"}', 'has "auths" that is not an object'],
    ['"auths" is null', '{"auths": null}', 'has "auths" that is not an object'],
    [
      'an auths entry is a string',
      '{"auths": {"ghcr.io": "x"}}',
      'has "auths" entry "ghcr.io" that is not an object',
    ],
    ['"credHelpers" is an array', '{"credHelpers": []}', 'has "credHelpers" that is not an object'],
    [
      'a credHelpers entry is a number',
      '{"credHelpers": {"gcr.io": 1}}',
      'has "credHelpers" entry "gcr.io" that is not a string',
    ],
    ['"credsStore" is an object', '{"credsStore": {}}', 'has "credsStore" that is not a string'],
    ['"auths" twice', '{"auths": {"a": {}}, "auths": {"b": {}}}', 'names "auths" more than once'],
    [
      'a host twice in auths',
      `{"auths": {"${A}": {"auth": "QVdTOmE="}, "${A}": {"auth": "QVdTOmI="}}}`,
      `names "${A}" more than once in "auths"`,
    ],
    [
      'a host twice in credHelpers',
      '{"credHelpers": {"x": "a", "x": "b"}}',
      'names "x" more than once in "credHelpers"',
    ],
  ])('%s: refused, naming the file and the problem, and left byte-identical', async (_, text, problem) => {
    const file = join(root, 'config.json');
    await writeFile(file, text, { mode: 0o644 });
    const before = await stat(file);
    const expected = `${file} ${problem}; fix or remove it (it was left unchanged)`;
    await expect(readConfig(root)).rejects.toThrow(expected);
    await expect(
      updateConfig(root, (c) => ({ ...c, auths: { ...c.auths, [A]: { auth: 'QVdTOnB3' } } })),
    ).rejects.toThrow(expected);
    expect(await readFile(file, 'utf8')).toBe(text);
    const after = await stat(file);
    expect([after.ino, after.mtimeMs, after.mode]).toEqual([before.ino, before.mtimeMs, before.mode]);
    expect(await readdir(root)).toEqual(['config.json']);
  });
});

describe('authKeyHost / authKeysFor / helperFor / withoutHosts', () => {
  it.each<[string, string]>([
    [A, A],
    [`https://${A}`, A],
    [`HTTPS://${A.toUpperCase()}/`, A],
    [`http://${A}/v2/`, A],
    [`${A}/`, A],
    ['127.0.0.1:5000', '127.0.0.1:5000'],
  ])('authKeyHost(%s) = %s', (key, host) => {
    expect(authKeyHost(key)).toBe(host);
  });

  const config: DockerConfig = {
    auths: {
      [A]: { auth: '1' },
      [`https://${A}`]: { auth: '2' },
      [`${A.toUpperCase()}/`]: { auth: '3' },
      [B]: { auth: '4' },
      [`${A}.evil.example`]: { auth: '5' },
      'public.ecr.aws': { auth: '6' },
    },
    credHelpers: { [B]: 'ecr-login' },
    proxies: { default: {} },
    somethingElse: 42,
  };

  it('finds every key variant of the hosts, case-insensitively, and no look-alike', () => {
    expect(authKeysFor(config, [A.toUpperCase()])).toEqual([A, `https://${A}`, `${A.toUpperCase()}/`]);
    expect(authKeysFor(config, ['public.ecr.aws'])).toEqual(['public.ecr.aws']);
    expect(authKeysFor({}, [A])).toEqual([]);
  });

  it('withoutHosts drops exactly those keys and keeps everything else', () => {
    const copy = structuredClone(config);
    const result = withoutHosts(config, [A, 'public.ecr.aws']);
    expect(result).toEqual({
      auths: { [B]: { auth: '4' }, [`${A}.evil.example`]: { auth: '5' } },
      credHelpers: { [B]: 'ecr-login' },
      proxies: { default: {} },
      somethingElse: 42,
    });
    expect(config).toEqual(copy);
  });

  it('withoutHosts returns the same object when none of the hosts is there', () => {
    expect(withoutHosts(config, ['nothing.example'])).toBe(config);
  });

  it('helperFor: a credHelpers entry wins over credsStore; an empty entry means the file', () => {
    const c: DockerConfig = { credsStore: 'desktop', credHelpers: { [A]: 'ecr-login', [B]: '' } };
    expect(helperFor(c, A)).toBe('ecr-login');
    expect(helperFor(c, B)).toBe('');
    expect(helperFor(c, 'public.ecr.aws')).toBe('desktop');
    expect(helperFor({}, A)).toBeUndefined();
    expect(helperFor({ credHelpers: { [B]: 'x' } }, A)).toBeUndefined();
  });
});

describe('restoreUserEntries (after a docker CLI rewrite)', () => {
  const before: DockerConfig = {
    auths: { 'ghcr.io': { auth: 'Z2g=' }, [`https://${A}`]: { auth: 'b2xk' } },
    credsStore: 'desktop',
    proxies: { default: { httpProxy: 'http://p:3128' } },
    'x-unknown': { keep: true },
  };

  it('takes only our hosts’ entries from the CLI’s file and everything else from before', () => {
    // The CLI dropped the keys it does not know, normalised our key and added its marker.
    const after: DockerConfig = { auths: { 'ghcr.io': { auth: 'Z2g=' }, [A]: {} }, credsStore: 'desktop' };
    expect(restoreUserEntries(before, after, [A])).toEqual({
      auths: { 'ghcr.io': { auth: 'Z2g=' }, [A]: {} },
      credsStore: 'desktop',
      proxies: { default: { httpProxy: 'http://p:3128' } },
      'x-unknown': { keep: true },
    });
  });

  it('removes our entries the CLI removed (logout), never touching other hosts', () => {
    const after: DockerConfig = { auths: {} };
    expect(restoreUserEntries(before, after, [A]).auths).toEqual({ 'ghcr.io': { auth: 'Z2g=' } });
  });

  it('returns `before` itself when there were and are no auths', () => {
    const none: DockerConfig = { credsStore: 'desktop' };
    expect(restoreUserEntries(none, { auths: {} }, [A])).toBe(none);
  });
});

describe('updateConfig', () => {
  it('creates the directory and applies the change under the lock', async () => {
    const dir = join(root, 'a', 'b');
    let lockHeld = false;
    await updateConfig(dir, (c) => {
      lockHeld = existsSync(join(dir, 'config.json.lock'));
      return { ...c, auths: { x: { auth: 'eQ==' } } };
    });
    expect(lockHeld).toBe(true);
    expect(JSON.parse(await readFile(join(dir, 'config.json'), 'utf8'))).toEqual({
      auths: { x: { auth: 'eQ==' } },
    });
    expect(existsSync(join(dir, 'config.json.lock'))).toBe(false);
  });

  it('returns what it wrote, and writes nothing when the change returns the config unchanged', async () => {
    await writeFile(join(root, 'config.json'), '{ "auths": {} }');
    const before = (await stat(join(root, 'config.json'))).mtimeMs;
    const same = await updateConfig(root, (c) => c);
    expect(same).toEqual({ auths: {} });
    expect(await readFile(join(root, 'config.json'), 'utf8')).toBe('{ "auths": {} }');
    expect((await stat(join(root, 'config.json'))).mtimeMs).toBe(before);
    const next = await updateConfig(root, (c) => ({ ...c, credsStore: 'pass' }));
    expect(next).toEqual({ auths: {}, credsStore: 'pass' });
    expect(await readConfig(root)).toEqual(next);
  });
});
