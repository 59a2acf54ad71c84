// The rules every workflow in .github/workflows/ follows; exits 1 naming the file (and line) that breaks one.
// - Every `uses:` names a full 40-character commit SHA with a `# vX.Y.Z` comment, so a moved or re-pointed
//   tag upstream cannot change what our CI and release jobs run (Dependabot bumps both). Local actions and
//   reusable workflows (`./…`) are ours and allowed.
// - The top-level permissions are `{}` or `contents: read`; jobs widen them for themselves.
// - No `pull_request_target`: it runs with a write token and secrets in the context of a fork's PR.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

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
  const text = readFileSync(file, 'utf8');
  const workflow = parse(text) ?? {};
  const permissions = JSON.stringify(workflow.permissions);
  if (permissions !== '{}' && permissions !== '{"contents":"read"}')
    problems.push(
      `${file}: top-level permissions must be {} or contents: read (widen per job), not ${permissions}`,
    );
  const events = typeof workflow.on === 'string' ? [workflow.on] : Object.keys(workflow.on ?? {});
  if (events.includes('pull_request_target')) problems.push(`${file}: pull_request_target is not allowed`);
  text.split('\n').forEach((line, i) => {
    if (!/^\s*(?:-\s+)?uses:/.test(line)) return;
    count++;
    const [, , ref = '', comment = ''] = USES.exec(line) ?? [];
    if (ref.startsWith('./')) return;
    if (!PINNED.test(ref))
      problems.push(
        `${file}:${i + 1}: "${ref || line.trim()}" is not pinned: use owner/repo@<40-hex commit SHA> # vX.Y.Z`,
      );
    else if (!VERSION_COMMENT.test(comment.trim()))
      problems.push(`${file}:${i + 1}: "${ref}" needs a "# vX.Y.Z" comment naming the release of that SHA`);
  });
}
for (const p of problems) console.error(p);
if (problems.length > 0) process.exit(1);
console.log(
  `${DIR}: ${count} uses: pinned to commit SHAs, permissions start from read, no pull_request_target`,
);
