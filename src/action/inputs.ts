// Reads every input once into typed Settings. Pure apart from the `read` and `env` it is given, so the
// whole bad-input table is unit-testable; every problem is collected and reported together, before
// any network call or disk write.

import { display, redactUserinfo } from '../diagnose/display.js';
import { parseAliases, tokenRegistries } from '../ecr/aliases.js';
import { PROFILE_ITEMS } from '../ecr/profiles.js';
import { isRegion, PARTITIONS, parseRegistryList, type Registry } from '../ecr/registry.js';
import { type ItemInput, resolveItemLines } from '../ecr/registry-items.js';
import type { Settings } from './types.js';

export class InputError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.length === 1 ? (problems[0] ?? '') : `Invalid inputs:\n- ${problems.join('\n- ')}`);
    this.name = 'InputError';
  }
}

export const LIMITS = { valueLength: 32_768, items: 100, maxAttempts: 10, apiTimeoutSeconds: 300 } as const;

const REGION_SOURCES = 'the `region` input, AWS_REGION or AWS_DEFAULT_REGION';
const ROLE_ARN = new RegExp(`^arn:(${PARTITIONS.join('|')}):iam::(\\d{12}):role\\/[\\w+=,.@/-]{1,512}$`);

type Read = (name: string) => string;

const ROLE_ITEMS: ItemInput = {
  input: 'registry-roles',
  valueName: 'ROLE_ARN',
  noun: 'a role',
  checkValue: (arn) =>
    ROLE_ARN.test(arn)
      ? undefined
      : `${display(arn)} is not an IAM role ARN (arn:aws:iam::123456789012:role/name).`,
  checkFit: (arn, registry) => {
    const rolePartition = ROLE_ARN.exec(arn)?.[1];
    const partition = registry.kind === 'private' ? registry.partition : 'aws';
    return rolePartition === partition
      ? undefined
      : `the role is in partition ${rolePartition} but the registry is in ${partition}.`;
  },
};

/** C0 controls and DEL; list inputs may span lines, so they keep \n, \r and \t. */
function hasControlCharacter(value: string, multiline: boolean): boolean {
  for (const ch of value) {
    const code = ch.charCodeAt(0);
    if (multiline && (ch === '\n' || ch === '\r' || ch === '\t')) continue;
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

export function parseSettings(read: Read, env: NodeJS.ProcessEnv): Settings {
  const problems: string[] = [];
  const text = (name: string, multiline = false): string => {
    const value = read(name);
    if (value.length > LIMITS.valueLength) {
      problems.push(
        `Input \`${name}\` is ${value.length} characters long; at most ${LIMITS.valueLength} are accepted.`,
      );
      return '';
    }
    if (hasControlCharacter(value, multiline)) {
      problems.push(`Input \`${name}\` contains a control character: ${display(redactUserinfo(value))}.`);
      return '';
    }
    return value;
  };
  const bool = (name: string, fallback: boolean): boolean => {
    const value = text(name);
    if (value === '') return fallback;
    if (/^(true|True|TRUE)$/.test(value)) return true;
    if (/^(false|False|FALSE)$/.test(value)) return false;
    problems.push(`Input \`${name}\` must be true or false, got ${display(value)}.`);
    return fallback;
  };
  const choice = <T extends string>(name: string, allowed: readonly T[], fallback: T): T => {
    const value = text(name);
    if (value === '') return fallback;
    if ((allowed as readonly string[]).includes(value)) return value as T;
    problems.push(`Input \`${name}\` must be one of ${allowed.join(', ')}, got ${display(value)}.`);
    return fallback;
  };
  const integer = (name: string, fallback: number, max: number): number => {
    const value = text(name);
    if (value === '') return fallback;
    const n = /^\d+$/.test(value) ? Number(value) : Number.NaN;
    if (n >= 1 && n <= max) return n;
    problems.push(`Input \`${name}\` must be a whole number from 1 to ${max}, got ${display(value)}.`);
    return fallback;
  };

  const region = resolveRegion(text('region'), env, problems);
  const registryType = choice('registry-type', ['private', 'public'] as const, 'private');
  const aliasText = text('registry-aliases', true);
  const registries = parseRegistries(
    text('registries', true),
    region,
    registryType,
    problems,
    !aliasText.trim(),
  );
  const aliases = parseAliases(aliasText, region, problems);
  const signed = tokenRegistries(registries, aliases);
  const roles = resolveItemLines(ROLE_ITEMS, text('registry-roles', true), signed, problems);
  const profiles = resolveItemLines(PROFILE_ITEMS, text('registry-profiles', true), signed, problems);

  const settings: Settings = {
    registries,
    ...(region ? { region } : {}),
    maskPassword: bool('mask-password', true),
    skipLogout: bool('skip-logout', false),
    httpProxy: parseProxy(text('http-proxy'), problems),
    maxAttempts: integer('max-attempts', 5, LIMITS.maxAttempts),
    apiTimeoutSeconds: integer('api-timeout-seconds', 30, LIMITS.apiTimeoutSeconds),
    isolateConfig: bool('isolate-config', false),
    loginMethod: choice('login-method', ['auto', 'docker', 'config-file', 'helper'] as const, 'auto'),
    roles,
    profiles,
    aliases,
  };
  if (settings.skipLogout && settings.loginMethod === 'helper')
    problems.push(
      'Inputs `skip-logout: true` and `login-method: helper` do not go together: the credential helper lives in ' +
        'RUNNER_TEMP, which the runner deletes after the job, so its config entries must go with it. Drop one.',
    );
  if (problems.length > 0) throw new InputError(problems);
  return settings;
}

function resolveRegion(input: string, env: NodeJS.ProcessEnv, problems: string[]): string | undefined {
  const sources: [string, string | undefined][] = [
    ['Input `region`', input],
    ['AWS_REGION', env.AWS_REGION?.trim()],
    ['AWS_DEFAULT_REGION', env.AWS_DEFAULT_REGION?.trim()],
  ];
  for (const [source, value] of sources) {
    if (!value) continue;
    if (isRegion(value)) return value;
    problems.push(`${source} is not an AWS region (like us-east-1): ${display(value)}.`);
    return undefined;
  }
  return undefined;
}

function parseRegistries(
  value: string,
  region: string | undefined,
  type: 'private' | 'public',
  problems: string[],
  /** Whether an empty list means the default registry (not when `registry-aliases` asks for others). */
  implicitDefault: boolean,
): Registry[] {
  const items = value.split(/[,\r\n]+/).filter((s) => s.trim() !== '');
  if (items.length > LIMITS.items) {
    problems.push(`Input \`registries\` lists ${items.length} items; at most ${LIMITS.items} are accepted.`);
    return [];
  }
  if (items.length === 0) {
    if (type === 'public') return parseRegistryList('public.ecr.aws').registries;
    if (!region && implicitDefault) {
      problems.push(`No region for the default registry: set ${REGION_SOURCES}, or list registries by host.`);
    }
    return [];
  }
  const parsed = parseRegistryList(value, region);
  for (const p of parsed.problems) problems.push(`Input \`registries\`: ${p.item}: ${p.reason}`);
  if (type === 'public') {
    for (const r of parsed.registries.filter((x) => x.kind === 'private')) {
      problems.push(
        `Input \`registries\`: ${display(r.item)} is a private registry but \`registry-type\` is public; ` +
          'drop `registry-type` (registries may mix public and private items).',
      );
    }
  }
  return parsed.registries;
}

function parseProxy(value: string, problems: string[]): string | undefined {
  if (!value) return undefined;
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (!url || !/^https?:$/.test(url.protocol) || !url.hostname || url.pathname.length > 1 || url.search) {
    problems.push(
      `Input \`http-proxy\` must be a proxy URL like http://proxy.example:3128, got ${display(redactUserinfo(value))}.`,
    );
    return undefined;
  }
  return value;
}
