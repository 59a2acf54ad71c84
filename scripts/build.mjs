// Bundles the two entry points with ncc into dist/main and dist/post (committed: the runner runs them).
// Each bundle is built beside its target and swapped in, so a test running the old bundle meanwhile
// never sees a half-written directory.
import { execFileSync } from 'node:child_process';
import { renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';

const ncc = createRequire(import.meta.url).resolve('@vercel/ncc/dist/ncc/cli.js');
for (const step of ['main', 'post']) {
  const fresh = `dist/.${step}-${process.pid}`;
  rmSync(fresh, { recursive: true, force: true });
  execFileSync(
    process.execPath,
    [ncc, 'build', `src/bin/${step}.ts`, '-o', fresh, '--minify', '--license', 'licenses.txt', '--quiet'],
    { stdio: 'inherit' },
  );
  rmSync(`dist/${step}`, { recursive: true, force: true });
  renameSync(fresh, `dist/${step}`);
}
