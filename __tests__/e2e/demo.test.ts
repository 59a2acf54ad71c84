// `npm run demo` works as a newcomer runs it (a child process, exit code 0, every section printed), and its
// fallback for machines without docker-registry (an in-process registry stand-in) works too.
import { execFile } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { runDemo, SECTIONS } from '../../scripts/demo.js';
import { REPO_ROOT } from '../support/runner.js';
import { realRegistriesAvailable } from './helpers.js';

const REAL = realRegistriesAvailable();

function npmRunDemo(): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      'npm',
      ['run', '--silent', 'demo'],
      { cwd: REPO_ROOT, timeout: 120_000, maxBuffer: 16 << 20, env: { ...process.env, FORCE_COLOR: '0' } },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

function expectSections(text: string) {
  let at = 0;
  for (const title of SECTIONS) {
    const found = text.indexOf(`=== ${title} `, at);
    expect(found, `section "${title}" (in order)`).toBeGreaterThan(-1);
    at = found;
  }
}

describe('e2e: the demo', () => {
  it('`npm run demo` exits 0 and prints every section', async () => {
    const { code, stdout, stderr } = await npmRunDemo();
    expect(code, `${stdout}\n${stderr}`).toBe(0);
    expectSections(stdout);
    expect(stdout).toContain('Demo OK');
    // Run on the runner's Node major (restarted under it if need be): no SDK Node-support warning.
    expect(`${stdout}${stderr}`).not.toContain('NodeVersionSupportWarning');
    expect(stdout).toContain(REAL ? 'Using REAL registries' : 'in-process stand-in');
    // The inputs, the outputs, the summary, the three configs, the masked log.
    expect(stdout).toContain('registries: |');
    expect(stdout).toMatch(/registries\s+127\.0\.0\.1:\d+(,127\.0\.0\.1:\d+){3}/);
    expect(stdout).toContain('### ECR login: 4 registries');
    expect(stdout).toContain('"auth": "***"');
    expect(stdout).toContain('::add-mask::***');
    expect(stdout).toContain('Logged out of 4 ECR registries.');
    expect(stdout).toContain('byte-for-byte');
    // Masked: no password output value in clear.
    const passwords = stdout.split('\n').filter((l) => /^\s+docker_password_\S+\s/.test(l));
    expect(passwords).toHaveLength(4);
    for (const line of passwords) expect(line).toMatch(/\s\*\*\*$/);
  });

  it('works without docker-registry: the in-process registry stand-in', async () => {
    let out = '';
    const code = await runDemo({ registries: 'in-process', write: (t) => (out += t) });
    expect(code, out).toBe(0);
    expectSections(out);
    expect(out).toContain('in-process stand-in');
    expect(out).toContain('Demo OK (in-process registry stand-in)');
  });
});
