// The runner's workflow-command and file-command protocol (see docs/runner-contract.md).
// We speak it directly instead of using @actions/core: core imports @actions/http-client and undici
// (~480 KB bundled), which would put an HTTP client into the post bundle and slow every start.
import { randomUUID } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import { EOL } from 'node:os';
import { delimiter } from 'node:path';

type Env = NodeJS.ProcessEnv;

function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function command(name: string, message: string): void {
  process.stdout.write(`::${name}::${escapeData(message)}${EOL}`);
}

/** `with:` values arrive as INPUT_<NAME>, upper-cased, spaces turned into `_`; the whole value trimmed. */
export function getInput(name: string, env: Env = process.env): string {
  return (env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '').trim();
}

export function getState(name: string, env: Env = process.env): string {
  return env[`STATE_${name}`] ?? '';
}

/** Every runner that runs node24 actions has the file commands: without the file there is no runner. */
function fileCommand(fileVar: string, name: string, value: string): void {
  const file = process.env[fileVar];
  if (!file) throw new Error(`${fileVar} is not set: run this action on a GitHub Actions runner`);
  const delimiter = `ghadelimiter_${randomUUID()}`;
  if (name.includes(delimiter) || value.includes(delimiter)) {
    throw new Error(`refusing to write ${name}: the value contains the delimiter`);
  }
  appendFileSync(file, `${name}<<${delimiter}${EOL}${value}${EOL}${delimiter}${EOL}`, 'utf8');
}

export function setOutput(name: string, value: string): void {
  fileCommand('GITHUB_OUTPUT', name, value);
}

export function saveState(name: string, value: string): void {
  fileCommand('GITHUB_STATE', name, value);
}

/** Exports a variable to later steps (and to our own post step) and to this process. */
export function exportVariable(name: string, value: string): void {
  fileCommand('GITHUB_ENV', name, value);
  process.env[name] = value;
}

/** Puts `dir` first on PATH for later steps (a GITHUB_PATH line) and for this process. */
export function addPath(dir: string): void {
  if (/[\r\n]/.test(dir))
    throw new Error(`refusing to add ${JSON.stringify(dir)} to PATH: it has a line break`);
  const file = process.env.GITHUB_PATH;
  if (!file) throw new Error('GITHUB_PATH is not set: run this action on a GitHub Actions runner');
  appendFileSync(file, `${dir}${EOL}`, 'utf8');
  process.env.PATH = `${dir}${delimiter}${process.env.PATH ?? ''}`;
}

/** Registers a mask: the runner replaces `value` with *** in every log line printed after this one. */
export function setSecret(value: string): void {
  if (value) command('add-mask', value);
}

export function debug(message: string): void {
  command('debug', message);
}

/**
 * A plain log line. The runner reads any line whose trimmed text starts with `::` (or the legacy `##[`) as a
 * command, so the text is kept to one line (`%`, CR and LF escaped as in command data) and such a start is
 * escaped too: outside text (a host, docker's words) can never forge a command.
 */
export function info(message: string): void {
  const line = escapeData(message).replace(
    /^(\s*)(::|##\[)/,
    (_, space: string, start: string) => space + encodeURIComponent(start),
  );
  process.stdout.write(line + EOL);
}

export function warning(message: string): void {
  command('warning', message);
}

export function error(message: string): void {
  command('error', message);
}

export function setFailed(message: string): void {
  process.exitCode = 1;
  error(message);
}

export async function group<T>(title: string, body: () => Promise<T>): Promise<T> {
  command('group', title);
  try {
    return await body();
  } finally {
    command('endgroup', '');
  }
}

/** Appends Markdown to the job summary; a runner without a summary file simply gets none. */
export function appendSummary(markdown: string): void {
  const file = process.env.GITHUB_STEP_SUMMARY;
  if (file) appendFileSync(file, markdown + EOL, 'utf8');
}
