// A throwaway JavaScript action for the runner emulator's self-tests: plain fs.appendFileSync to the
// file-command files and plain console output, so what the emulator reads back is known exactly.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeTempDir, removeDir } from '../../support/daemon.js';

export const FAKE_SECRET = 'Sup3r-Secret-Pa55word';

const actionYml = (postIf?: string) => `name: fake
description: harness self-test action
inputs:
  mode:
    description: what to do
    default: basic
  with space:
    description: a name with a space
    default: sp-default
  mask-password:
    description: unquoted boolean default
    default: true
  account:
    description: unquoted number with a leading zero
    default: 012345678901
  token:
    description: expression default
    default: \${{ github.token }}
  no-default:
    description: none
runs:
  using: node24
  main: dist/main.js
  post: dist/post.js
${postIf ? `  post-if: ${postIf}\n` : ''}`;

const main = `const fs = require('node:fs');
const { spawn } = require('node:child_process');
const mode = process.env.INPUT_MODE;
const add = (file, text) => fs.appendFileSync(process.env[file], text);
const heredoc = (file, name, value) => add(file, name + '<<ghadelimiter_9f3\\n' + value + '\\nghadelimiter_9f3\\n');
const pick = (prefix) => Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith(prefix)));
console.log('inputs ' + JSON.stringify(pick('INPUT_')));
console.log('env ' + JSON.stringify({ ...pick('GITHUB_'), ...pick('RUNNER_'), HOME: process.env.HOME,
  CI: process.env.CI, PATH: process.env.PATH, LEAK: process.env.HARNESS_LEAK_CHECK ?? null,
  JOB_ONLY: process.env.JOB_ONLY ?? null, cwd: process.cwd() }));
const secret = ${JSON.stringify(FAKE_SECRET)};
switch (mode) {
  case 'basic':
    add('GITHUB_OUTPUT', 'plain=a=b<<c\\n');
    heredoc('GITHUB_OUTPUT', 'multi', 'line one\\nline=two');
    add('GITHUB_STATE', 'registries=r1,r2\\n');
    heredoc('GITHUB_STATE', 'config', '{"a":\\n1}');
    add('GITHUB_ENV', 'FAKE_EXPORTED=exported-value\\n');
    heredoc('GITHUB_ENV', 'FAKE_MULTI', 'm1\\nm2');
    add('GITHUB_PATH', '/opt/first\\n/opt/second\\n');
    add('GITHUB_STEP_SUMMARY', '### Logged in\\n');
    console.log('::group::Logging in');
    console.log('::debug::a debug line');
    console.log('::warning file=src/a.ts,line=3,title=T%3A1::careful%0Anext line');
    console.log('::endgroup::');
    console.error('::error::went wrong %25 here');
    break;
  case 'mask':
    console.log('early ' + secret);
    console.log('::add-mask::' + secret);
    console.log('late ' + secret + ' and again ' + secret);
    console.error('stderr ' + secret);
    break;
  case 'fail':
    add('GITHUB_STATE', 'registries=r1\\n');
    console.log('::error::main failed');
    process.exitCode = 3;
    break;
  case 'hang':
    setInterval(() => {}, 1000);
    break;
  case 'orphan': {
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)'], { stdio: 'ignore' });
    child.unref();
    console.log('grandchild ' + child.pid);
    break;
  }
  case 'bad-heredoc':
    add('GITHUB_OUTPUT', 'broken<<EOF\\nno end\\n');
    break;
  case 'node-options':
    add('GITHUB_ENV', 'NODE_OPTIONS=--require /tmp/evil.js\\nOTHER=kept\\n');
    break;
  case 'deprecated':
    console.log('::set-output name=old::via-stdout');
    console.log('::set-env name=X::y');
    break;
}
`;

const post = `const pick = (prefix) => Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith(prefix)));
console.log('post ' + JSON.stringify({ state: pick('STATE_'), inputs: pick('INPUT_'),
  exported: process.env.FAKE_EXPORTED ?? null, multi: process.env.FAKE_MULTI ?? null, PATH: process.env.PATH }));
require('node:fs').appendFileSync(process.env.GITHUB_OUTPUT, 'post-ran=yes\\n');
`;

export interface FakeAction {
  dir: string;
  remove(): Promise<void>;
}

export async function writeFakeAction(opts: { postIf?: string } = {}): Promise<FakeAction> {
  const dir = await makeTempDir('fake-action');
  await mkdir(join(dir, 'dist'));
  await writeFile(join(dir, 'action.yml'), actionYml(opts.postIf));
  await writeFile(join(dir, 'package.json'), '{"type":"commonjs"}\n');
  await writeFile(join(dir, 'dist', 'main.js'), main);
  await writeFile(join(dir, 'dist', 'post.js'), post);
  return { dir, remove: () => removeDir(dir) };
}

/** The JSON printed after `prefix ` on a line of stdout. */
export function printed(stdout: string, prefix: string): Record<string, unknown> {
  const line = stdout.split('\n').find((l) => l.startsWith(`${prefix} `));
  if (!line) throw new Error(`no "${prefix}" line in:\n${stdout}`);
  return JSON.parse(line.slice(prefix.length + 1));
}
