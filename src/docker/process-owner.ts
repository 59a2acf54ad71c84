// Who made a lock or a temp file: a process id means something only on the machine, and in the pid
// namespace (containers), where it was taken, so the owner is recorded with both.
import { createHash } from 'node:crypto';
import { readFileSync, readlinkSync } from 'node:fs';
import { hostname } from 'node:os';

function pidNamespace(): string {
  try {
    return readlinkSync('/proc/self/ns/pid');
  } catch {
    return ''; // not Linux: the host name alone
  }
}

/** This machine and pid namespace, as an 8-hex-digit tag (short enough for a file name). */
export const machineTag = (): string =>
  createHash('sha256').update(`${hostname()}\n${pidNamespace()}`).digest('hex').slice(0, 8);

/** Whether `pid` on this machine is a live process (a zombie, dead but not yet reaped, is gone). */
export function isRunning(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return true; // not a process id we can judge: assume alive
  try {
    process.kill(pid, 0);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'; // someone else's live process
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return true; // no /proc: trust kill(0)
  }
}

/** Whether a process recorded as `pid` on the machine `tag` is known to be gone. */
export const ownerGone = (pid: number, tag: string): boolean => tag === machineTag() && !isRunning(pid);
