// action.yml against the code: the runtime the runner starts, the bundles it runs, and the inputs —
// every input the plan reads is declared (so the runner fills its default) and every declared one is read.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseSettings } from '../../src/action/inputs.js';

const root = join(import.meta.dirname, '..', '..');
const action = parse(readFileSync(join(root, 'action.yml'), 'utf8')) as {
  inputs: Record<string, { default?: unknown; required?: boolean; description?: string }>;
  outputs: Record<string, { description?: string }>;
  runs: Record<string, unknown>;
};

describe('action.yml', () => {
  it('runs main and post on node24 (post always, the runner default)', () => {
    expect(action.runs).toEqual({ using: 'node24', main: 'dist/main/index.js', post: 'dist/post/index.js' });
    expect(existsSync(join(root, 'dist/main/index.js'))).toBe(true);
    expect(existsSync(join(root, 'dist/post/index.js'))).toBe(true);
  });

  it('declares exactly the inputs the plan reads, each optional with a string default and a description', () => {
    const read: string[] = [];
    parseSettings(
      (name) => {
        read.push(name);
        return typeof action.inputs[name]?.default === 'string'
          ? (action.inputs[name]?.default as string)
          : '';
      },
      { AWS_REGION: 'us-east-1' },
    );
    expect(Object.keys(action.inputs).sort()).toEqual([...new Set(read)].sort());
    for (const [name, spec] of Object.entries(action.inputs)) {
      expect(typeof spec.default, name).toBe('string');
      expect(spec.required, name).toBe(false);
      expect(spec.description, name).toBeTruthy();
    }
  });

  it('keeps the official action’s input names and defaults, so switching `uses:` changes nothing', () => {
    expect(action.inputs.registries?.default).toBe('');
    expect(action.inputs['registry-type']?.default).toBe('private');
    expect(action.inputs['mask-password']?.default).toBe('true');
    expect(action.inputs['skip-logout']?.default).toBe('false');
    expect(action.inputs['http-proxy']?.default).toBe('');
  });

  it('declares the fixed outputs (the per-host docker_username_/docker_password_ ones are dynamic)', () => {
    expect(Object.keys(action.outputs).sort()).toEqual([
      'docker-config',
      'expires-at',
      'registries',
      'registry',
    ]);
  });
});
