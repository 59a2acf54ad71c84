// Every `uses:` in .github/workflows/ names a full 40-character commit SHA with a `# vX.Y.Z` comment, so a
// moved or re-pointed tag upstream cannot change what our CI and release jobs run (Dependabot bumps both).
// Local actions (`./…`) are ours and allowed. Exits 1 naming the file and line of every other reference.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const DIR = '.github/workflows';
const USES = /^\s*(?:-\s+)?uses:\s*(['"]?)([^'"\s#]+)\1\s*(#.*)?$/;
const PINNED = /^[\w.-]+\/[\w.-]+(?:\/[^@\s]+)?@[0-9a-f]{40}$/;
const VERSION_COMMENT = /^#\s*v\d+\.\d+\.\d+\s*$/;

const problems = [];
let count = 0;
for (const name of readdirSync(DIR)
  .filter((f) => /\.ya?ml$/.test(f))
  .sort()) {
  const file = join(DIR, name);
  readFileSync(file, 'utf8')
    .split('\n')
    .forEach((line, i) => {
      if (!/^\s*(?:-\s+)?uses:/.test(line)) return;
      count++;
      const [, , ref = '', comment = ''] = USES.exec(line) ?? [];
      if (ref.startsWith('./')) return;
      if (!PINNED.test(ref))
        problems.push(`${file}:${i + 1}: "${ref || line.trim()}" is not pinned to a full commit SHA`);
      else if (!VERSION_COMMENT.test(comment.trim()))
        problems.push(`${file}:${i + 1}: "${ref}" needs a "# vX.Y.Z" comment naming the release of that SHA`);
    });
}
for (const p of problems) console.error(p);
if (problems.length > 0) {
  console.error('Pin each action to the commit of a release tag: uses: owner/repo@<40-hex sha> # vX.Y.Z');
  process.exit(1);
}
console.log(`${count} uses: in ${DIR} pinned to commit SHAs`);
