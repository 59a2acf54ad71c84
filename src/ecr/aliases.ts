// `registry-aliases`: lines ALIAS=REGISTRY. Docker matches credentials by the host it talks to, so a
// registry reached under the team's own name (a CNAME with its own certificate, a pull-through proxy)
// needs its token stored under that name too. Pure.

import type { Alias, DockerCredential } from '../action/types.js';
import { display, redactUserinfo } from '../diagnose/display.js';
import { LOOPBACK } from './credentials.js';
import { parseRegistryItem, type Registry } from './registry.js';

const INPUT = 'Input `registry-aliases`';
const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const IPV4 = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;
// What an ECR host looks like: such an alias gets the `registries` grammar's own verdict.
const ECR_LOOKALIKE = /dkr[.-]ecr|ecr-public|public\.ecr\.aws|amazonaws|on\.aws$/;

/** Why `alias` is not a plain host[:port], or undefined. */
function aliasProblem(alias: string): string | undefined {
  if (/[\s\p{Cc}\p{Cf}]/u.test(alias)) return 'the alias contains whitespace or control characters';
  if (/[^\x21-\x7e]/.test(alias))
    return 'the alias contains non-ASCII characters; write the punycode (xn--) form';
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(alias)) return 'the alias is a plain host: no scheme (https://)';
  if (alias.includes('@')) return 'the alias is a plain host: no credentials (user:password@)';
  if (/[/?#]/.test(alias)) return 'the alias is a plain host: no path, query or fragment';
  const m = /^([^:]*)(?::(\d+))?$/.exec(alias);
  const [, host = '', port] = m ?? [];
  if (!m || host === '') return 'the alias is a host name with an optional :port (registry.example.com:5000)';
  if (port !== undefined && !(Number(port) >= 1 && Number(port) <= 65535 && !port.startsWith('0'))) {
    return `the port ${display(port)} is not a number from 1 to 65535`;
  }
  if (IPV4.test(host)) return undefined;
  if (host.length > 253 || !host.split('.').every((l) => LABEL.test(l)) || /^\d+$/.test(host)) {
    return 'the alias is not a valid host name (labels of letters, digits and inner hyphens, separated by dots)';
  }
  return undefined;
}

/** Parses the lines; `region` resolves an account ID on the right, as in `registries`. */
export function parseAliases(text: string, region: string | undefined, problems: string[]): Alias[] {
  const aliases: Alias[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const entry = raw.trim();
    if (!entry) continue;
    const eq = entry.indexOf('=');
    const alias = entry.slice(0, eq).trim().toLowerCase();
    const value = entry.slice(eq + 1).trim();
    const where = `${INPUT}: ${display(redactUserinfo(entry))}`;
    if (eq <= 0 || !alias || !value) {
      problems.push(`${where} is not ALIAS=REGISTRY.`);
      continue;
    }
    const bad = aliasProblem(alias);
    if (bad) {
      problems.push(`${where}: ${bad}.`);
      continue;
    }
    if (ECR_LOOKALIKE.test(alias)) {
      const asRegistry = parseRegistryItem(alias, region);
      problems.push(
        asRegistry.ok
          ? `${where}: ${alias} is itself an ECR registry; list it in \`registries\` (an alias is your own host name).`
          : `${where}: ${asRegistry.problem.item}: ${asRegistry.problem.reason}.`,
      );
      continue;
    }
    const target = parseRegistryItem(value, region);
    if (!target.ok) {
      problems.push(`${where}: ${target.problem.item}: ${target.problem.reason}.`);
      continue;
    }
    if (target.registry.kind !== 'private') {
      problems.push(`${where}: ${target.registry.host} is ECR Public; an alias names a private registry.`);
      continue;
    }
    if (aliases.some((a) => a.host === alias)) {
      problems.push(`${where}: ${alias} is already an alias.`);
      continue;
    }
    aliases.push({ host: alias, target: target.registry });
  }
  return aliases;
}

/**
 * One more credential per alias: its registry's token under the alias host, proven at the alias's /v2/
 * over https (http only when both are loopback stand-ins). Ordered after every listed registry.
 */
export function aliasCredentials(
  creds: readonly DockerCredential[],
  aliases: readonly Alias[],
  firstOrder: number,
): DockerCredential[] {
  return aliases.flatMap((a, i) => {
    const cred = creds.find((c) => c.registry === a.target.host);
    if (!cred) return [];
    const scheme = cred.scheme === 'http' && LOOPBACK.test(a.host) ? 'http' : 'https';
    return [{ ...cred, host: a.host, scheme, aliasOf: cred.host, order: firstOrder + i }];
  });
}

/**
 * The registries a token is fetched for: those listed, then each alias's registry that `registries`
 * does not list (its token serves the alias only; the registry itself is not logged in).
 */
export function tokenRegistries(registries: readonly Registry[], aliases: readonly Alias[]): Registry[] {
  const all = [...registries];
  for (const a of aliases) if (!all.some((r) => r.host === a.target.host)) all.push(a.target);
  return all;
}
