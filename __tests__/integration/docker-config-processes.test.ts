// The docker config's lock and atomic write against other real processes: a writer SIGKILLed between its
// temp file and its rename, a lock holder that stays alive or dies, and a foreign program (the docker CLI
// takes no lock) writing the file while we wait or between our read and our rename.
import { type ChildProcessWithoutNullStreams, execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { lockFile } from '../../src/docker/config-lock.js';
import { readConfig, removeStrayTemps, updateConfig, withoutHosts } from '../../src/docker/docker-config.js';
import { waitFor } from '../support/daemon.js';

const OURS = '123456789012.dkr.ecr.us-east-1.amazonaws.com';
const SECRET = Buffer.from('AWS:crash-test-password').toString('base64');
const USER_TEXT = '{\n  "auths": {\n    "ghcr.io": {"auth": "Z2g6cA=="}\n  },\n  "n": 1.0\n}\n';
const FIXTURE = join(import.meta.dirname, 'fixtures', 'config-writer.ts');
const run = promisify(execFile);

let dir: string;
const children: ChildProcessWithoutNullStreams[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ecr-login-config-processes-'));
  await writeFile(join(dir, 'config.json'), USER_TEXT);
});

afterEach(async () => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await rm(dir, { recursive: true, force: true });
});

/** The fixture as a child process, and the first stdout line matching `ready` (bounded). */
async function startWriter(
  args: string[],
  ready: RegExp,
): Promise<{ child: ChildProcessWithoutNullStreams; match: RegExpExecArray }> {
  const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE, ...args]);
  children.push(child);
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr.on('data', (d: Buffer) => {
    err += d.toString();
  });
  const match = await waitFor(
    `the writer to print ${ready}`,
    () => {
      if (child.exitCode !== null) throw new Error(`the writer exited (${child.exitCode}): ${err}`);
      return ready.exec(out) ?? undefined;
    },
    20_000,
  );
  return { child, match };
}

async function kill(child: ChildProcessWithoutNullStreams): Promise<void> {
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await exited;
}

/** Another program writing the config without any lock, as the docker CLI does. */
async function foreignWrite(text: string): Promise<void> {
  await run(process.execPath, [
    '-e',
    'require("fs").writeFileSync(process.argv[1], process.argv[2])',
    join(dir, 'config.json'),
    text,
  ]);
}

const addOurs = (c: Parameters<Parameters<typeof updateConfig>[1]>[0]) => ({
  ...c,
  auths: { ...c.auths, [OURS]: { auth: 'QVdTOm5ldw==' } },
});

describe('a write SIGKILLed between its temp file and its rename', () => {
  async function crash(): Promise<string> {
    const { child, match } = await startWriter(['pause', dir, OURS, SECRET], /paused (\S+)\n/);
    const temp = match[1] ?? '';
    // The stray file is ours by its name, and it holds the credential: this is what must not linger.
    expect(temp).toMatch(
      new RegExp(`/\\.config\\.json\\.ecr-login\\.${child.pid}\\.[0-9a-f]{8}\\.[0-9a-f]{12}\\.tmp$`),
    );
    expect(await readFile(temp, 'utf8')).toContain(SECRET);
    await kill(child);
    expect(existsSync(temp)).toBe(true);
    expect(existsSync(lockFile(dir))).toBe(true);
    expect(await readFile(join(dir, 'config.json'), 'utf8')).toBe(USER_TEXT);
    return temp;
  }

  it('leaves a temp file the next update removes, breaking the dead writer’s lock at once', async () => {
    const temp = await crash();
    const waits: string[] = [];
    // A stale age far beyond the timeout: only the holder's death can let this update through.
    await updateConfig(dir, (c) => withoutHosts(c, [OURS]), {
      staleMs: 600_000,
      timeoutMs: 10_000,
      onWait: (m) => waits.push(m),
    });
    expect(existsSync(temp)).toBe(false);
    expect(await readdir(dir)).toEqual(['config.json']);
    expect(await readFile(join(dir, 'config.json'), 'utf8')).toBe(USER_TEXT);
    expect(waits).toEqual([]);
  });

  it('leaves a temp file that the cleanup for post removes', async () => {
    const temp = await crash();
    expect(await removeStrayTemps(dir, { staleMs: 600_000, timeoutMs: 10_000 })).toEqual([temp]);
    expect(await readdir(dir)).toEqual(['config.json']);
  });
});

describe('the lock', () => {
  it('waits for a live holder, says so once naming it, and keeps a foreign write that lands meanwhile', async () => {
    const { child } = await startWriter(['hold', dir], /held\n/);
    const waits: string[] = [];
    const update = updateConfig(dir, addOurs, {
      staleMs: 600_000,
      timeoutMs: 30_000,
      onWait: (m) => waits.push(m),
    });
    await waitFor('the update to wait', () => (waits.length > 0 ? true : undefined));
    const foreign = USER_TEXT.replace('"n": 1.0', '"n": 1.0,\n  "credHelpers": {"gcr.io": "gcloud"}');
    await foreignWrite(foreign);
    child.stdin.end();
    await update;
    expect(waits).toEqual([
      `Waiting for ${lockFile(dir)}: process ${child.pid} on host ${hostname()} is updating the docker config.`,
    ]);
    const text = await readFile(join(dir, 'config.json'), 'utf8');
    expect(text).toBe(foreign.replace('"Z2g6cA=="}', `"Z2g6cA=="},\n    "${OURS}": {"auth":"QVdTOm5ldw=="}`));
  });

  it('times out on a holder that stays alive, naming it and never inviting the lock’s removal', async () => {
    const { child } = await startWriter(['hold', dir], /held\n/);
    const waits: string[] = [];
    const error = await updateConfig(dir, addOurs, {
      staleMs: 600_000,
      timeoutMs: 300,
      pollMs: 5,
      onWait: (m) => waits.push(m),
    }).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(error?.message).toContain(
      `held by process ${child.pid} on host ${hostname()}, which is still running`,
    );
    expect(error?.message).not.toMatch(/remove|delete/i);
    expect(waits).toHaveLength(1);
    expect(await readFile(join(dir, 'config.json'), 'utf8')).toBe(USER_TEXT);
    expect(existsSync(lockFile(dir))).toBe(true);
  });

  it('breaks the lock of a holder that died, without waiting for it to turn stale', async () => {
    const { child } = await startWriter(['hold', dir], /held\n/);
    await kill(child);
    await updateConfig(dir, addOurs, { staleMs: 600_000, timeoutMs: 10_000 });
    expect((await readConfig(dir)).auths?.[OURS]).toEqual({ auth: 'QVdTOm5ldw==' });
    expect(await readdir(dir)).toEqual(['config.json']);
  });
});

describe('a foreign write between our read and our rename', () => {
  it('is kept: our change is applied again to the file as that program left it', async () => {
    const foreign = USER_TEXT.replace('"n": 1.0', '"n": 1.0,\n  "credsStore": "pass"');
    let renames = 0;
    await updateConfig(dir, addOurs, {
      beforeRename: async () => {
        if (renames++ === 0) await foreignWrite(foreign);
      },
    });
    expect(renames).toBe(2);
    expect(await readFile(join(dir, 'config.json'), 'utf8')).toBe(
      foreign.replace('"Z2g6cA=="}', `"Z2g6cA=="},\n    "${OURS}": {"auth":"QVdTOm5ldw=="}`),
    );
    expect(await readdir(dir)).toEqual(['config.json']);
  });

  it('gives up, naming the file and leaving the other program’s text, when it happens every time', async () => {
    let n = 0;
    const error = await updateConfig(dir, addOurs, {
      beforeRename: async () => foreignWrite(USER_TEXT.replace('1.0', `${++n}.5`)),
    }).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(error?.message).toBe(
      `${join(dir, 'config.json')} was changed by another program each time we were about to write it (3 times); it was left as that program wrote it`,
    );
    expect(await readFile(join(dir, 'config.json'), 'utf8')).toBe(USER_TEXT.replace('1.0', '3.5'));
    expect(await readdir(dir)).toEqual(['config.json']);
  });
});
