// Finds where a step let a secret out. Stricter than the runner's masking on purpose: a secret may appear
// only in its own `::add-mask::` line (and in files the caller allows, e.g. the docker config); printing
// it after the mask is still a defect, printing it before the mask is a real leak.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';
import { parseCommandLine } from './workflow-commands.js';

export type ViolationKind =
  /** stdout, before the secret's own ::add-mask:: (or with none): shown in clear in the job log. */
  | 'before-mask'
  /** stdout, after its mask: the runner would print *** but the action still printed the secret. */
  | 'after-mask'
  /** stderr, outside an add-mask line. */
  | 'stderr'
  /** a listed file (not in allowFiles). */
  | 'file';

export interface SecretViolation {
  kind: ViolationKind;
  /** Index into `secrets`. */
  secret: number;
  /** 'stdout', 'stderr' or a file path. */
  where: string;
  /** 1-based line number. */
  line: number;
  /** The line with every secret replaced by <secret#i>. */
  excerpt: string;
}

export interface ScanOptions {
  stdout: string;
  stderr: string;
  /** Every form: the password, the token, base64("AWS:" + password), … */
  secrets: string[];
  /** Files or directories (scanned recursively); missing paths are skipped (logout may delete them). */
  files?: string[];
  /** Files or directories where the secrets may be (e.g. the docker config the action wrote). */
  allowFiles?: string[];
}

export function scanForSecrets({
  stdout,
  stderr,
  secrets,
  files = [],
  allowFiles = [],
}: ScanOptions): SecretViolation[] {
  if (secrets.some((s) => !s)) throw new Error('scanForSecrets: an empty secret would match everything');
  const redact = (text: string) =>
    secrets.reduce((t, s, i) => t.split(s).join(`<secret#${i}>`), text).slice(0, 300);
  const violations: SecretViolation[] = [];

  secrets.forEach((secret, index) => {
    const stdoutLines = stdout.split('\n');
    const parsed = stdoutLines.map((l) => parseCommandLine(l));
    const ownMask = parsed.findIndex((c) => c?.name === 'add-mask' && c.message === secret);
    stdoutLines.forEach((text, i) => {
      const cmd = parsed[i];
      if (!text.includes(secret) && !cmd?.message.includes(secret)) return;
      const masked = ownMask >= 0 && i > ownMask;
      if (cmd?.name === 'add-mask') {
        // Its own mask line is the one allowed place; another value's mask line counts only before its own.
        if (cmd.message === secret || masked) return;
      }
      violations.push({
        kind: masked ? 'after-mask' : 'before-mask',
        secret: index,
        where: 'stdout',
        line: i + 1,
        excerpt: redact(text),
      });
    });
    stderr.split('\n').forEach((text, i) => {
      const cmd = parseCommandLine(text);
      if (cmd?.name === 'add-mask' || !(text.includes(secret) || cmd?.message.includes(secret))) return;
      violations.push({ kind: 'stderr', secret: index, where: 'stderr', line: i + 1, excerpt: redact(text) });
    });
  });

  const allowed = allowFiles.map((p) => resolve(p));
  const isAllowed = (file: string) => allowed.some((a) => file === a || file.startsWith(a + sep));
  for (const file of files.flatMap((f) => listFiles(resolve(f)))) {
    if (isAllowed(file)) continue;
    const lines = readFileSync(file, 'utf8').split('\n');
    secrets.forEach((secret, index) => {
      lines.forEach((text, i) => {
        if (text.includes(secret)) {
          violations.push({ kind: 'file', secret: index, where: file, line: i + 1, excerpt: redact(text) });
        }
      });
    });
  }
  return violations;
}

function listFiles(path: string): string[] {
  let st: ReturnType<typeof statSync>;
  try {
    st = statSync(path);
  } catch {
    return [];
  }
  if (st.isFile()) return [path];
  if (!st.isDirectory()) return [];
  return readdirSync(path).flatMap((name) => listFiles(join(path, name)));
}
