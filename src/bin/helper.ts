import { read } from 'node:fs';
import { runHelper } from '../helper/answer.js';

const STDIN_LIMIT = 64 * 1024;
const STDIN_TIMEOUT_MS = 10_000;

/** One read(2) of stdin; fd reads start faster than the process.stdin stream (a measured ~10 ms). */
const readChunk = (buffer: Buffer) =>
  new Promise<number>((resolve, reject) =>
    read(0, buffer, 0, buffer.length, null, (error, n) => (error ? reject(error) : resolve(n))),
  );

/** What the client wrote on stdin, up to EOF: bounded in size and time (undefined on timeout). */
async function readInput(): Promise<string | undefined> {
  const buffer = Buffer.alloc(STDIN_LIMIT);
  let size = 0;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), STDIN_TIMEOUT_MS);
  });
  const all = (async () => {
    for (;;) {
      const n = await readChunk(buffer.subarray(size)).catch(() => 0);
      size += n;
      if (n === 0 || size === STDIN_LIMIT) return buffer.toString('utf8', 0, size);
    }
  })();
  try {
    return await Promise.race([all, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

// stdout carries the protocol's answer alone. Shared modules log through process.stdout (a lock wait, the
// diagnosis's debug lines): in this process their lines go to stderr, which clients pass through as is.
const answer = process.stdout.write.bind(process.stdout);
process.stdout.write = process.stderr.write.bind(process.stderr) as typeof process.stdout.write;

const action = process.argv[2];
const input = action === 'list' ? '' : await readInput();
const { out, code } = await runHelper(action, input ?? '', process.env);
answer(out === '' ? '' : `${out}\n`);
process.exitCode = code;
// A read still pending on a stdin that never closed would keep the process alive.
if (input === undefined) process.exit();
