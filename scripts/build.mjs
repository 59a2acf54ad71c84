// Bundles the entry points with ncc into dist/main, dist/post and dist/helper (the credential helper) (committed: the runner runs them).
// Each bundle is built beside its target and swapped in, so a test running the old bundle meanwhile
// never sees a half-written directory.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const ncc = createRequire(import.meta.url).resolve('@vercel/ncc/dist/ncc/cli.js');
for (const step of ['main', 'post', 'helper']) {
  const fresh = `dist/.${step}-${process.pid}`;
  rmSync(fresh, { recursive: true, force: true });
  execFileSync(process.execPath, [ncc, 'build', `src/bin/${step}.ts`, '-o', fresh, '--minify', '--quiet'], {
    stdio: 'inherit',
  });
  rmSync(`dist/${step}`, { recursive: true, force: true });
  renameSync(fresh, `dist/${step}`);
}

// ncc's --license misses code that lands in lazily loaded chunks, so the notices of every production
// dependency (what the bundles can contain) are collected from the lockfile instead.
const lock = JSON.parse(readFileSync('package-lock.json', 'utf8'));
const notices = Object.entries(lock.packages)
  .filter(([path, meta]) => path.startsWith('node_modules/') && !meta.dev)
  .map(([path]) => {
    const name = path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);
    const file = existsSync(path)
      ? readdirSync(path).find((f) => /^(license|licence|copying)/i.test(f))
      : undefined;
    const text = file
      ? readFileSync(join(path, file), 'utf8').trim()
      : `License: ${lock.packages[path].license}`;
    return `${name}\n${text}`;
  })
  .sort();
writeFileSync('dist/licenses.txt', `${notices.join('\n\n')}\n`);
