import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { onPrivateCopy, sweepPrivateCopies } from '../../src/docker/private-copy.js';
import { machineTag } from '../../src/docker/process-owner.js';

let root: string;
let runnerTemp: string;
let userDir: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'ecr-login-private-copy-unit-'));
  runnerTemp = join(root, 'runner-temp');
  userDir = join(root, 'home', '.docker');
  await mkdir(runnerTemp, { recursive: true });
  await mkdir(join(userDir, 'buildx'), { recursive: true });
  await writeFile(join(userDir, 'config.json'), '{"auths":{"other.example":{"auth":"dTpw"}}}');
  await writeFile(join(userDir, 'buildx', 'keep'), 'mine');
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('onPrivateCopy', () => {
  it('runs on a copy under RUNNER_TEMP named after this process, removed once it returns or throws', async () => {
    let seen = '';
    const result = await onPrivateCopy(userDir, { RUNNER_TEMP: runnerTemp }, async (copy) => {
      seen = copy;
      return readFile(join(copy, 'config.json'), 'utf8');
    });
    expect(result).toBe('{"auths":{"other.example":{"auth":"dTpw"}}}');
    expect(dirname(seen)).toBe(runnerTemp);
    expect(basename(seen)).toMatch(new RegExp(`^ecr-login-copy-${process.pid}\\.${machineTag()}-.{6}$`));
    expect(existsSync(seen)).toBe(false);
    await expect(
      onPrivateCopy(userDir, { RUNNER_TEMP: runnerTemp }, async (copy) => {
        seen = copy;
        throw new Error('docker failed');
      }),
    ).rejects.toThrow('docker failed');
    expect(existsSync(seen)).toBe(false);
    expect(await readdir(runnerTemp)).toEqual([]);
  });
});

describe('sweepPrivateCopies', () => {
  it("removes only our copies whose process is gone, never a live one's, another machine's or anything else", async () => {
    const tag = machineTag();
    const names = {
      // pid_max is at most 2^22: no process has this id.
      dead: `ecr-login-copy-4194304.${tag}-aB3xYz`,
      live: `ecr-login-copy-${process.pid}.${tag}-Qw12Er`,
      otherMachine: `ecr-login-copy-4194304.00000000-Zx98Cv`,
      isolated: 'ecr-login-docker-Abc123',
      user: 'ecr-login-copy-notes',
    };
    for (const name of Object.values(names)) {
      await mkdir(join(runnerTemp, name));
      await writeFile(join(runnerTemp, name, 'config.json'), '{"auths":{"h.example":{"auth":"QVdTOnB3"}}}');
    }
    // A copy links the rest of the docker config directory: removing it must leave the targets alone.
    await symlink(join(userDir, 'buildx'), join(runnerTemp, names.dead, 'buildx'), 'junction');
    await sweepPrivateCopies({ RUNNER_TEMP: runnerTemp });
    expect((await readdir(runnerTemp)).sort()).toEqual(
      [names.live, names.otherMachine, names.isolated, names.user].sort(),
    );
    expect(await readFile(join(userDir, 'buildx', 'keep'), 'utf8')).toBe('mine');
  });

  it('does nothing where the temp directory does not exist', async () => {
    await expect(sweepPrivateCopies({ RUNNER_TEMP: join(root, 'nope') })).resolves.toBeUndefined();
    expect(existsSync(join(root, 'nope'))).toBe(false);
  });
});
