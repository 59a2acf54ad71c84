// Everything main tells the user once the logins are done: a log group per login, the step outputs,
// the job summary (one row per registry, logged in or failed) and the final failure message.

import { signedWith } from '../ecr/token-plan.js';
import { STORES } from '../stores/index.js';
import * as runner from './runner.js';
import type { Login, RegistryFailure } from './types.js';

/** The official output-name suffix: every run of characters outside [a-zA-Z0-9_] becomes `_`. */
export function outputKey(host: string): string {
  return host.replace(/[^a-zA-Z0-9_]+/g, '_');
}

/**
 * Step outputs, named as aws-actions/amazon-ecr-login names them so downstream
 * `steps.<id>.outputs.docker_password_<host>` references keep working after switching `uses:`.
 */
export function outputsFor(logins: readonly Login[]): Record<string, string> {
  const out: Record<string, string> = {};
  if (logins.length === 0) return out;
  const credentials = logins.map((l) => l.credential);
  if (credentials.length === 1 && credentials[0]) out.registry = credentials[0].host;
  out.registries = credentials.map((c) => c.host).join(',');
  for (const c of credentials) {
    out[`docker_username_${outputKey(c.host)}`] = c.username;
    out[`docker_password_${outputKey(c.host)}`] = c.password;
  }
  const earliest = Math.min(...credentials.map((c) => c.expiresAt.getTime()));
  out['expires-at'] = new Date(earliest).toISOString();
  return out;
}

/** The store's words, the registry an alias stands for, and the profile and role that fetched the token. */
function howLoggedIn({ credential, store }: Login): string {
  return [STORES[store].label, credential.aliasOf && `alias of ${credential.aliasOf}`, signedWith(credential)]
    .filter(Boolean)
    .join(', ');
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

function row(
  host: string,
  account: string | undefined,
  region: string,
  how: string,
  expires: string,
): string {
  return ['', `\`${cell(host)}\``, account ?? '—', region, how, expires, ''].join(' | ').trim();
}

export function renderSummary(logins: readonly Login[], failures: readonly RegistryFailure[]): string {
  const total = logins.length + failures.length;
  if (total === 0) return '';
  const title =
    failures.length === 0
      ? `### ECR login: ${total} registr${total === 1 ? 'y' : 'ies'}`
      : `### ECR login: ${failures.length} of ${total} failed`;
  const lines = [
    title,
    '',
    '| Registry | Account | Region | How | Expires (UTC) |',
    '| --- | --- | --- | --- | --- |',
    ...logins.map((l) => {
      const c = l.credential;
      const expires = c.expiresAt.toISOString().replace(/\.\d{3}Z$/, 'Z');
      return row(c.host, c.account, c.region, cell(howLoggedIn(l)), expires);
    }),
    ...failures.map((f) => row(f.host, f.account, f.region, `❌ ${cell(f.message)}`, '—')),
    '',
  ];
  return lines.join('\n');
}

function failureMessage(failures: readonly RegistryFailure[]): string {
  const n = failures.length;
  const lines = failures.map((f) => `${f.host} (${f.region}): ${f.message}`);
  return `${n} registr${n === 1 ? 'y' : 'ies'} failed:\n${lines.join('\n')}`;
}

export async function report(added: readonly Login[], failures: readonly RegistryFailure[]): Promise<void> {
  const logins = [...added].sort((a, b) => a.credential.order - b.credential.order);
  for (const l of logins) {
    const { host, expiresAt } = l.credential;
    await runner.group(host, async () => {
      runner.info(`Logged in to ${host} (${howLoggedIn(l)}); the token expires ${expiresAt.toISOString()}.`);
    });
  }
  for (const [name, value] of Object.entries(outputsFor(logins))) runner.setOutput(name, value);
  runner.appendSummary(renderSummary(logins, failures));
  if (failures.length > 0) runner.setFailed(failureMessage(failures));
}
