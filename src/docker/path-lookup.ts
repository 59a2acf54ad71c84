// Whether a program is on PATH, as the docker CLI finds credential helpers: by name, and on Windows with
// any PATHEXT extension (.exe, .cmd, .bat).
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

export function findOnPath(name: string, env: NodeJS.ProcessEnv): string | undefined {
  const windows = process.platform === 'win32';
  const exts = windows ? ['', ...(env.PATHEXT ?? '.EXE;.CMD;.BAT').split(';').filter(Boolean)] : [''];
  for (const dir of (env.PATH ?? env.Path ?? '').split(delimiter)) {
    if (!dir) continue;
    for (const ext of exts) {
      const candidate = join(dir, name + ext);
      try {
        accessSync(candidate, windows ? constants.F_OK : constants.X_OK);
        return candidate;
      } catch {
        // not here
      }
    }
  }
  return undefined;
}
