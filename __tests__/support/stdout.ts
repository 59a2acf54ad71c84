// What the code under test writes to process.stdout (workflow commands, log lines), kept from the test's
// own output.
import { vi } from 'vitest';

/** Replaces process.stdout.write until vi.restoreAllMocks(); returns the chunks it is given, in order. */
export function captureStdout(): string[] {
  const out: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out.push(String(chunk));
    return true;
  });
  return out;
}
