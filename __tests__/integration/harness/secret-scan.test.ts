// Each kind of leak is caught; the allowed places are not flagged.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scanForSecrets } from '../../support/secret-scan.js';

const password = 'eyJwYXlsb2FkIjoi-pass%word';
const token = Buffer.from(`AWS:${password}`).toString('base64');
const secrets = [password, token];
const escaped = password.replace(/%/g, '%25'); // how @actions/core writes it in a command
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ecr-login-scan-'));
  await mkdir(join(dir, 'docker'));
  await writeFile(join(dir, 'docker', 'config.json'), JSON.stringify({ auths: { h: { auth: token } } }));
  await writeFile(join(dir, 'leak.log'), `ok\ntoken=${token}\n`);
  await mkdir(join(dir, 'nested', 'deep'), { recursive: true });
  await writeFile(join(dir, 'nested', 'deep', 'state.txt'), `pw ${password}`);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const scan = (stdout: string, stderr = '', files: string[] = [], allowFiles: string[] = []) =>
  scanForSecrets({ stdout, stderr, secrets, files, allowFiles }).map(({ kind, secret, where, line }) => ({
    kind,
    secret,
    where,
    line,
  }));

describe('scanForSecrets', () => {
  it('accepts secrets that appear only in their own ::add-mask:: lines', () => {
    expect(scan(`start\n::add-mask::${escaped}\n::add-mask::${token}\nLogged in\n`)).toEqual([]);
  });

  it('flags a secret printed before its mask (a real leak) and one never masked', () => {
    expect(scan(`password is ${password}\n::add-mask::${escaped}\ntoken ${token}\n`)).toEqual([
      { kind: 'before-mask', secret: 0, where: 'stdout', line: 1 },
      { kind: 'before-mask', secret: 1, where: 'stdout', line: 3 },
    ]);
  });

  it('flags a secret printed after its mask', () => {
    expect(scan(`::add-mask::${escaped}\n::debug::using ${escaped}\n`)).toEqual([
      { kind: 'after-mask', secret: 0, where: 'stdout', line: 2 },
    ]);
  });

  it("flags a secret inside another value's add-mask line before its own", () => {
    const both = `::add-mask::AWS:${escaped}`;
    expect(scan(`${both}\n::add-mask::${escaped}\n`)).toEqual([
      { kind: 'before-mask', secret: 0, where: 'stdout', line: 1 },
    ]);
    expect(scan(`::add-mask::${escaped}\n${both}\n`)).toEqual([]);
  });

  it('flags any secret on stderr except in an add-mask line', () => {
    expect(scan('', `::add-mask::${token}\nError: bad token ${token}\n`)).toEqual([
      { kind: 'stderr', secret: 1, where: 'stderr', line: 2 },
    ]);
  });

  it('flags secrets in files, recursing into directories, except allowed ones', () => {
    const found = scan('', '', [dir], [join(dir, 'docker')]);
    expect(found).toEqual([
      { kind: 'file', secret: 1, where: join(dir, 'leak.log'), line: 2 },
      { kind: 'file', secret: 0, where: join(dir, 'nested', 'deep', 'state.txt'), line: 1 },
    ]);
    expect(scan('', '', [join(dir, 'docker', 'config.json')])).toEqual([
      { kind: 'file', secret: 1, where: join(dir, 'docker', 'config.json'), line: 1 },
    ]);
    expect(scan('', '', [join(dir, 'missing.json')])).toEqual([]);
  });

  it('redacts secrets in excerpts and refuses an empty secret', () => {
    const [v] = scanForSecrets({ stdout: `x ${password} y`, stderr: '', secrets });
    expect(v?.excerpt).toBe('x <secret#0> y');
    expect(() => scanForSecrets({ stdout: '', stderr: '', secrets: [''] })).toThrow(/empty secret/);
  });
});
