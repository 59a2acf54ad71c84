// Bundles the entry points with ncc into dist/main, dist/post and dist/helper (the credential helper;
// committed: the runner runs them),
// and writes dist/licenses.txt for exactly the packages the bundles contain.
// Each bundle is built beside its target and swapped in, so a test running the old bundle meanwhile
// never sees a half-written directory.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatNotices } from './licenses.mjs';

const ncc = createRequire(import.meta.url).resolve('@vercel/ncc/dist/ncc/cli.js');
const statsDir = mkdtempSync(join(tmpdir(), 'ecr-login-build-'));
const packageDirs = new Set();
try {
  for (const step of ['main', 'post', 'helper']) {
    const fresh = `dist/.${step}-${process.pid}`;
    const stats = join(statsDir, `${step}.json`);
    rmSync(fresh, { recursive: true, force: true });
    execFileSync(
      process.execPath,
      [ncc, 'build', `src/bin/${step}.ts`, '-o', fresh, '--minify', '--quiet', '--stats-out', stats],
      { stdio: 'inherit' },
    );
    for (const dir of bundledPackageDirs(JSON.parse(readFileSync(stats, 'utf8')))) packageDirs.add(dir);
    rmSync(`dist/${step}`, { recursive: true, force: true });
    renameSync(fresh, `dist/${step}`);
  }
} finally {
  rmSync(statsDir, { recursive: true, force: true });
}

// ncc's own --license misses code that lands in lazily loaded chunks; webpack's stats list every module
// of every chunk, so the notices follow what really is in the bundles (dev-flagged packages included:
// debug pulls in supports-color when it is installed).
writeFileSync('dist/licenses.txt', formatNotices([...packageDirs].map(readPackage)));

/** The package directories (./node_modules/…/name) of every module webpack put in a bundle. */
function bundledPackageDirs(stats) {
  const dirs = new Set();
  const visit = (modules = []) => {
    for (const m of modules) {
      const dir = /^(?:\.\/)?((?:.*\/)?node_modules\/(?:@[^/]+\/)?[^/?]+)/.exec(m.name ?? '')?.[1];
      if (dir) dirs.add(dir);
      visit(m.modules); // the parts of a concatenated module
    }
  };
  visit(stats.modules);
  for (const chunk of stats.chunks ?? []) visit(chunk.modules);
  return dirs;
}

function readPackage(dir) {
  const meta = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const file = readdirSync(dir).find((f) => /^(license|licence|copying)/i.test(f));
  return {
    name: meta.name,
    version: meta.version,
    license: typeof meta.license === 'string' ? meta.license : (meta.license?.type ?? 'UNKNOWN'),
    text: file ? readFileSync(join(dir, file), 'utf8').trim() : '',
  };
}
