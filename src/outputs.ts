// Step outputs, named as aws-actions/amazon-ecr-login names them so downstream
// `steps.<id>.outputs.docker_password_<host>` references keep working after switching `uses:`.
import type { Credential } from './credentials.js';

/** The official output-name suffix: every run of characters outside [a-zA-Z0-9_] becomes `_`. */
export function outputKey(host: string): string {
  return host.replace(/[^a-zA-Z0-9_]+/g, '_');
}

export function outputsFor(logins: readonly Credential[]): Record<string, string> {
  const out: Record<string, string> = {};
  if (logins.length === 0) return out;
  if (logins.length === 1 && logins[0]) out.registry = logins[0].host;
  out.registries = logins.map((c) => c.host).join(',');
  for (const c of logins) {
    out[`docker_username_${outputKey(c.host)}`] = c.username;
    out[`docker_password_${outputKey(c.host)}`] = c.password;
  }
  const earliest = Math.min(...logins.map((c) => c.expiresAt.getTime()));
  out['expires-at'] = new Date(earliest).toISOString();
  return out;
}
