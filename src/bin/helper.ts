import { runHelper } from '../credential-helper.js';

const STDIN_LIMIT = 64 * 1024;
const STDIN_TIMEOUT_MS = 10_000;

/** What the client wrote on stdin: bounded in size and time (a caller that never closes it gets ''). */
async function readInput(): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  const timer = setTimeout(() => process.stdin.destroy(), STDIN_TIMEOUT_MS);
  try {
    for await (const chunk of process.stdin) {
      size += (chunk as Buffer).length;
      if (size > STDIN_LIMIT) break;
      chunks.push(chunk as Buffer);
    }
  } catch {
    // destroyed by the timer
  } finally {
    clearTimeout(timer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

const action = process.argv[2];
const { out, code } = await runHelper(action, action === 'list' ? '' : await readInput(), process.env);
process.stdout.write(out === '' ? '' : `${out}\n`);
process.exitCode = code;
