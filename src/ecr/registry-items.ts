// `ITEM=VALUE` lines that attach a value to registries (registry-roles, registry-profiles). Pure.
// An account ID on the left means every registry of that account the step asks a token for, in every
// region and partition; a host or image URI means that registry alone and wins over its account's line.
import { display } from '../diagnose/display.js';
import { parseRegistryItem, type Registry } from './registry.js';

export interface ItemInput {
  /** The input's name, for messages: `registry-roles`. */
  input: string;
  /** What the value is, for messages: ROLE_ARN, PROFILE. */
  valueName: string;
  /** What a registry has when a line applies to it, for messages: "a role", "a profile". */
  noun: string;
  /** Why a value is bad, or undefined when it is good. */
  checkValue: (value: string) => string | undefined;
  /** Why the value cannot serve this registry (e.g. another partition), or undefined. */
  checkFit?: (value: string, registry: Registry) => string | undefined;
}

interface Line {
  value: string;
  where: string;
}

/** The lines' values per registry host, for the `registries` given; every problem goes to `problems`. */
export function resolveItemLines(
  spec: ItemInput,
  text: string,
  registries: readonly Registry[],
  problems: string[],
): Map<string, string> {
  const byAccount = new Map<string, Line>();
  const byHost = new Map<string, Line>();
  const accounts = [...new Set(registries.flatMap((r) => (r.kind === 'private' ? [r.account] : [])))];
  for (const raw of text.split(/\r?\n/)) {
    const entry = raw.trim();
    if (!entry) continue;
    // Items never hold '=', role names may (`[\w+=,.@/-]`): split at the first one.
    const eq = entry.indexOf('=');
    const item = entry.slice(0, eq).trim();
    const value = entry.slice(eq + 1).trim();
    const where = `Input \`${spec.input}\`: ${display(entry)}`;
    if (eq <= 0 || !item || !value) {
      problems.push(`${where} is not ITEM=${spec.valueName}.`);
      continue;
    }
    const bad = spec.checkValue(value);
    if (bad) {
      problems.push(`${where}: ${bad}`);
      continue;
    }
    if (/^\d{12}$/.test(item)) {
      if (!accounts.includes(item)) {
        const listed = accounts.length > 0 ? accounts.join(', ') : 'none';
        problems.push(
          `${where}: account ${item} has no registry listed in \`registries\` (listed accounts: ${listed}).`,
        );
      } else if (byAccount.has(item)) problems.push(`${where}: account ${item} already has ${spec.noun}.`);
      else byAccount.set(item, { value, where });
      continue;
    }
    const parsed = parseRegistryItem(item);
    const listed = parsed.ok ? registries.find((r) => r.host === parsed.registry.host) : undefined;
    if (!listed) {
      problems.push(`${where}: ${display(item)} does not name a registry listed in \`registries\`.`);
    } else if (byHost.has(listed.host)) problems.push(`${where}: ${listed.host} already has ${spec.noun}.`);
    else byHost.set(listed.host, { value, where });
  }

  const values = new Map<string, string>();
  const misfits = new Set<string>();
  for (const r of registries) {
    const line = byHost.get(r.host) ?? (r.kind === 'private' ? byAccount.get(r.account) : undefined);
    if (!line) continue;
    const misfit = spec.checkFit?.(line.value, r);
    if (misfit) misfits.add(`${line.where}: ${misfit}`);
    else values.set(r.host, line.value);
  }
  problems.push(...misfits);
  return values;
}
