// runBounded with real processes: a hung grandchild holding the pipes (as a credential helper holds the
// docker CLI's stderr) is killed with its parent at the deadline, and the call returns then.
import { describe, expect, it, vi } from 'vitest';
import { runBounded } from '../../src/docker/bounded-exec.js';
import { alive } from '../support/credential-helpers.js';

const node = process.execPath;
const env = { PATH: process.env.PATH ?? '' };

describe.skipIf(process.platform === 'win32')('runBounded', () => {
  it('returns the exit code and both outputs, with the input on stdin', async () => {
    const r = await runBounded(
      node,
      [
        '-e',
        "process.stdin.on('data', (d) => process.stdout.write(d)); process.stdin.on('end', () => { process.stderr.write('e'); process.exit(3); })",
      ],
      { input: Buffer.from('the input'), env, timeoutMs: 20_000 },
    );
    expect(r).toEqual({ exitCode: 3, stdout: 'the input', stderr: 'e', timedOut: false, missing: false });
  });

  it('says when the program is not there', async () => {
    const r = await runBounded('/nonexistent/docker', [], { env, timeoutMs: 20_000 });
    expect(r.missing).toBe(true);
    expect(r.timedOut).toBe(false);
    expect(r.exitCode).toBeUndefined();
  });

  it('kills the whole process group at the deadline, a grandchild holding stderr included, and stops reading', async () => {
    // The parent starts a child that inherits its stderr and never ends, prints the child's pid, then hangs.
    const parent = [
      "const { spawn } = require('node:child_process');",
      "const c = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1 << 30)'], { stdio: ['ignore', 'ignore', 'inherit'] });",
      "process.stdout.write(c.pid + ' ' + process.pid + '\\n');",
      'setInterval(() => {}, 1 << 30);',
    ].join('\n');
    const r = await runBounded(node, ['-e', parent], { env, timeoutMs: 1500 });
    expect(r.timedOut).toBe(true);
    expect(r.exitCode).toBeUndefined();
    const pids = r.stdout.trim().split(' ').map(Number);
    expect(pids).toHaveLength(2);
    for (const pid of pids)
      await vi.waitFor(() => expect(alive(pid)).toBe(false), { timeout: 10_000, interval: 50 });
  });
});
