// dist/licenses.txt: its format (written by build.mjs) and the license allowlist (.ci/run runs this file).
// `node scripts/licenses.mjs [file]` exits 1 naming every bundled package whose license is not allowed.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/** Licenses that need no more than keeping the notice, which dist/licenses.txt does. */
export const ALLOWED = ['MIT', 'ISC', 'Apache-2.0', 'BSD-2-Clause', 'BSD-3-Clause', '0BSD', 'BlueOak-1.0.0'];

const RULE = '='.repeat(80);
const HEADER =
  'Third-party packages bundled in dist/main, dist/post and dist/helper (written by scripts/build.mjs).';

/** @param {{name: string, version: string, license: string, text: string}[]} packages */
export function formatNotices(packages) {
  const unique = new Map(packages.map((p) => [`${p.name}@${p.version}`, p]));
  const byName = (a, b) => (a.name === b.name ? (a.version < b.version ? -1 : 1) : a.name < b.name ? -1 : 1);
  const entries = [...unique.values()]
    .sort(byName)
    .map(
      (p) =>
        `${RULE}\n${p.name}@${p.version}\nLicense: ${p.license}\n\n${p.text || '(the package ships no license file)'}\n`,
    );
  return `${HEADER}\n\n${entries.join('\n')}`;
}

/** @returns {{id: string, license: string}[]} */
export function parseNotices(text) {
  return text
    .split(`${RULE}\n`)
    .slice(1)
    .map((entry, i) => {
      const [id, licenseLine] = entry.split('\n');
      const license = /^License: (.+)$/.exec(licenseLine ?? '')?.[1];
      if (!id || !license)
        throw new Error(`licenses.txt: entry ${i + 1} has no "name@version" and "License:" lines`);
      return { id, license };
    });
}

/**
 * An SPDX expression is allowed when every AND part, or any OR alternative, is on the allowlist.
 * Parentheses inside an expression are not parsed: such an expression fails closed, for a human to review.
 */
export function isAllowed(expression) {
  const e = expression.trim().replace(/^\((.*)\)$/, '$1');
  if (/ OR /i.test(e)) return e.split(/ OR /i).some(isAllowed);
  if (/ AND /i.test(e)) return e.split(/ AND /i).every(isAllowed);
  return ALLOWED.includes(e);
}

const invokedDirectly = process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href;
if (invokedDirectly) {
  const file = process.argv[2] ?? 'dist/licenses.txt';
  const entries = parseNotices(readFileSync(file, 'utf8'));
  const bad = entries.filter((e) => !isAllowed(e.license));
  for (const e of bad) console.error(`${file}: ${e.id} is licensed "${e.license}", not on the allowlist`);
  if (bad.length > 0) {
    console.error(
      `Allowed: ${ALLOWED.join(', ')}. Review the license, then extend ALLOWED in scripts/licenses.mjs.`,
    );
    process.exit(1);
  }
  if (entries.length === 0) {
    console.error(`${file}: no packages listed; run 'npm run build'`);
    process.exit(1);
  }
  console.log(`${entries.length} bundled packages, all under allowed licenses (${file})`);
}
