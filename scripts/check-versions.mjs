// One version everywhere: package.json's version is the newest released section of CHANGELOG.md (with a
// date and a compare link, under an [Unreleased] section), and every `ecr-login/ecr-login@…` reference in
// README.md, SECURITY.md and examples/ uses its major tag (v1 for 1.x.y); engines.node is at least what
// every installed package declares (an AWS SDK bump that needs a newer Node fails here, naming the package).
// Exits 1 naming each mismatch.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const problems = [];
const { version } = JSON.parse(readFileSync('package.json', 'utf8'));
const semver = /^(\d+)\.\d+\.\d+$/.exec(version);
if (!semver) problems.push(`package.json: version "${version}" is not X.Y.Z`);
const major = `v${semver?.[1]}`;

const changelog = readFileSync('CHANGELOG.md', 'utf8');
const sections = [...changelog.matchAll(/^## \[([^\]]+)\](.*)$/gm)].map((m) => ({ name: m[1], rest: m[2] }));
if (sections[0]?.name !== 'Unreleased')
  problems.push('CHANGELOG.md: the first section must be "## [Unreleased]"');
const released = sections.find((s) => s.name !== 'Unreleased');
if (released?.name !== version) {
  problems.push(
    `CHANGELOG.md: newest release section is "${released?.name}", package.json says "${version}"`,
  );
} else if (!/^ - \d{4}-\d{2}-\d{2}$/.test(released.rest)) {
  problems.push(`CHANGELOG.md: "## [${version}]" needs " - YYYY-MM-DD" after it`);
}
for (const s of sections) {
  if (!new RegExp(`^\\[${s.name.replace(/\./g, '\\.')}\\]: https://\\S+$`, 'm').test(changelog))
    problems.push(`CHANGELOG.md: no link line "[${s.name}]: https://…" for section "${s.name}"`);
}

const docs = ['README.md', 'SECURITY.md', ...readdirSync('examples').map((f) => join('examples', f))];
for (const file of docs) {
  readFileSync(file, 'utf8')
    .split('\n')
    .forEach((line, i) => {
      for (const [, ref] of line.matchAll(/\becr-login\/ecr-login@([^\s'"`)]+)/g)) {
        if (ref !== major) problems.push(`${file}:${i + 1}: ecr-login/ecr-login@${ref} should be @${major}`);
      }
    });
}

// The lowest Node major a range admits: ">=20.0.0" -> 20, "^20 || ^22 || >=24" -> 20, "*" -> 0.
function floor(range) {
  const majors = [...String(range).matchAll(/(\d+)(?:\.\d+)*/g)].map((m) => Number(m[1]));
  return majors.length > 0 ? Math.min(...majors) : 0;
}
const engines = JSON.parse(readFileSync('package.json', 'utf8')).engines?.node;
const lock = JSON.parse(readFileSync('package-lock.json', 'utf8'));
if (lock.version !== version)
  problems.push(`package-lock.json: version "${lock.version}", package.json says "${version}"`);
for (const [path, meta] of Object.entries(lock.packages)) {
  const needs = meta.engines?.node;
  if (path && needs && floor(needs) > floor(engines))
    problems.push(
      `package.json: engines.node "${engines}" is below ${path.replace(/.*node_modules\//, '')}'s "${needs}"`,
    );
}

for (const p of problems) console.error(p);
if (problems.length > 0) process.exit(1);
console.log(`version ${version}: package.json, CHANGELOG.md and @${major} in ${docs.length} docs agree`);
