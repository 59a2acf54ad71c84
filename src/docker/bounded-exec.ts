// Runs a program with a deadline that holds for everything it starts. The docker CLI hands its own stderr
// to the credential helper it runs, so a hung helper keeps the pipe open after docker itself is killed:
// the program is started in its own process group, the whole group is killed at the deadline, and reading
// stops then, whatever still holds the pipes.
import { spawn } from 'node:child_process';

export interface BoundedOptions {
  /** Written to stdin, then stdin is closed (the password goes here, never in argv). */
  input?: Buffer;
  env: NodeJS.ProcessEnv;
  timeoutMs: number;
}

export interface BoundedResult {
  /** The exit code; undefined when the program was stopped or could not start. */
  exitCode?: number;
  stdout: string;
  stderr: string;
  /** Set when the deadline passed: the process group was killed. */
  timedOut: boolean;
  /** The program is not there (ENOENT). */
  missing: boolean;
}

/** Kills the process group led by `pid` (the whole tree on Windows, where groups do not exist). */
function killTree(pid: number): void {
  try {
    if (process.platform === 'win32') {
      spawn('taskkill', ['/pid', String(pid), '/T', '/F'], { stdio: 'ignore', windowsHide: true }).on(
        'error',
        () => {},
      );
    } else {
      process.kill(-pid, 'SIGKILL');
    }
  } catch {
    // already gone
  }
}

export function runBounded(command: string, args: string[], opts: BoundedOptions): Promise<BoundedResult> {
  return new Promise((resolve) => {
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let settled = false;
    const child = spawn(command, args, {
      env: opts.env,
      stdio: ['pipe', 'pipe', 'pipe'],
      // Its own process group, so the deadline reaches the helpers it starts.
      detached: process.platform !== 'win32',
      windowsHide: true,
    });
    const done = (r: Omit<BoundedResult, 'stdout' | 'stderr'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      // Reading stops here: a pipe an orphan still holds must not keep this process waiting.
      child.stdout?.destroy();
      child.stderr?.destroy();
      resolve({
        ...r,
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
      });
    };
    const timer = setTimeout(() => {
      if (child.pid !== undefined) killTree(child.pid);
      done({ timedOut: true, missing: false });
    }, opts.timeoutMs);
    child.stdout?.on('data', (d: Buffer) => stdout.push(d));
    child.stderr?.on('data', (d: Buffer) => stderr.push(d));
    child.on('error', (e: NodeJS.ErrnoException) => {
      stderr.push(Buffer.from(e.message));
      done({ timedOut: false, missing: e.code === 'ENOENT' });
    });
    // 'close' waits for the pipes too; helpers that outlive docker and hold them are cut off by the timer.
    child.on('close', (code) =>
      done({ ...(code !== null ? { exitCode: code } : {}), timedOut: false, missing: false }),
    );
    child.stdin?.on('error', () => {}); // a program that exits without reading its input
    child.stdin?.end(opts.input ?? Buffer.alloc(0));
  });
}
