// Every example and repository workflow is a real workflow that uses this action only as action.yml
// defines it: `with:` keys are declared inputs, and every `steps.<id>.outputs.<name>` names an output
// the action sets. The checker is run against known-bad workflows too, so a typo cannot slip through.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

interface ActionSpec {
  inputs: ReadonlySet<string>;
  outputs: ReadonlySet<string>;
}

/** Per-host outputs: `docker_username_<key>` / `docker_password_<key>`, key = host with runs of [^a-zA-Z0-9_] → `_`. */
const HOST_OUTPUT = /^docker_(username|password)_[A-Za-z0-9_]+$/;
const ID = '[A-Za-z_][A-Za-z0-9_-]*';
const STEP_OUTPUT_DOT = new RegExp(`\\bsteps\\.(${ID})\\.outputs\\.(${ID})`, 'g');
const STEP_OUTPUT_INDEX = new RegExp(`\\bsteps\\.(${ID})\\.outputs\\[\\s*'([^']*)'\\s*\\]`, 'g');
const JOB_OUTPUT = new RegExp(`\\bneeds\\.(${ID})\\.outputs\\.(${ID})`, 'g');

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function loadAction(): ActionSpec {
  const doc: unknown = parse(readFileSync(join(ROOT, 'action.yml'), 'utf8'));
  if (!isRecord(doc) || !isRecord(doc.inputs) || !isRecord(doc.outputs)) {
    throw new Error('action.yml has no inputs or outputs');
  }
  return { inputs: new Set(Object.keys(doc.inputs)), outputs: new Set(Object.keys(doc.outputs)) };
}

/** `uses:` values that mean this action: the published reference or the repository itself. */
function isThisAction(uses: unknown): boolean {
  return (
    typeof uses === 'string' && (/^ecr-login\/ecr-login@\S+$/.test(uses) || uses === './' || uses === '.')
  );
}

function strings(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const v of value) strings(v, out);
  else if (isRecord(value)) for (const v of Object.values(value)) strings(v, out);
  return out;
}

interface CheckResult {
  problems: string[];
  /** Steps that use this action. */
  actionSteps: number;
}

/** Checks one workflow file's text against the action's inputs and outputs. */
function checkWorkflow(text: string, action: ActionSpec): CheckResult {
  const problems: string[] = [];
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (error) {
    return { problems: [`not valid YAML: ${(error as Error).message}`], actionSteps: 0 };
  }
  if (!isRecord(doc)) return { problems: ['not a mapping'], actionSteps: 0 };
  if (!('on' in doc) || doc.on === null) problems.push('no `on:` trigger');
  const jobs = doc.jobs;
  if (!isRecord(jobs) || Object.keys(jobs).length === 0) {
    problems.push('no `jobs:`');
    return { problems, actionSteps: 0 };
  }

  let actionSteps = 0;
  for (const [jobName, job] of Object.entries(jobs)) {
    if (!isRecord(job)) {
      problems.push(`job ${jobName} is not a mapping`);
      continue;
    }
    const steps = Array.isArray(job.steps) ? job.steps : [];
    const stepIds = new Set<string>();
    const ourIds = new Set<string>();
    steps.forEach((step, index) => {
      if (!isRecord(step)) return;
      const id = typeof step.id === 'string' ? step.id : undefined;
      if (id) stepIds.add(id);
      if (!isThisAction(step.uses)) return;
      actionSteps++;
      if (id) ourIds.add(id);
      const where = `job ${jobName}, step ${id ?? index + 1}`;
      if (step.with === undefined || step.with === null) return;
      if (!isRecord(step.with)) {
        problems.push(`${where}: \`with:\` is not a mapping`);
        return;
      }
      for (const [key, value] of Object.entries(step.with)) {
        if (!action.inputs.has(key)) problems.push(`${where}: \`${key}\` is not an input of action.yml`);
        if (key === 'registries' && typeof value === 'number') {
          problems.push(`${where}: quote \`registries\` (an unquoted account ID loses its leading zeros)`);
        }
      }
    });

    const text = strings(job).join('\n');
    const refs = [...text.matchAll(STEP_OUTPUT_DOT), ...text.matchAll(STEP_OUTPUT_INDEX)];
    for (const [, id = '', name = ''] of refs) {
      if (!stepIds.has(id)) {
        problems.push(`job ${jobName}: steps.${id} is not a step id of this job`);
      } else if (ourIds.has(id) && !action.outputs.has(name) && !HOST_OUTPUT.test(name)) {
        problems.push(`job ${jobName}: steps.${id}.outputs.${name} is not an output of action.yml`);
      }
    }
    for (const [, need = '', name = ''] of text.matchAll(JOB_OUTPUT)) {
      const other = jobs[need];
      const outputs = isRecord(other) && isRecord(other.outputs) ? other.outputs : {};
      if (!(name in outputs)) problems.push(`job ${jobName}: needs.${need}.outputs.${name} is not declared`);
    }
  }
  return { problems, actionSteps };
}

function yamlFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir))
    .filter((f) => f.endsWith('.yml') || f.endsWith('.yaml'))
    .sort()
    .map((f) => `${dir}/${f}`);
}

const action = loadAction();
const examples = yamlFiles('examples');
const workflows = yamlFiles('.github/workflows');

describe('action.yml as the checker reads it', () => {
  it('declares the outputs the examples rely on', () => {
    for (const name of ['registry', 'registries', 'expires-at', 'docker-config']) {
      expect(action.outputs.has(name), name).toBe(true);
    }
  });
});

describe('examples/', () => {
  it('has every documented example', () => {
    expect(examples).toEqual(
      expect.arrayContaining(
        [
          'single-registry',
          'multi-region',
          'matrix',
          'cross-account-promotion',
          'ecr-public',
          'self-hosted-isolated',
          'helm-podman',
          'behind-proxy',
          'service-containers',
        ].map((name) => `examples/${name}.yml`),
      ),
    );
  });

  it.each(examples)('%s uses the action as action.yml defines it', (file) => {
    const result = checkWorkflow(readFileSync(join(ROOT, file), 'utf8'), action);
    expect(result.problems).toEqual([]);
    expect(result.actionSteps).toBeGreaterThan(0);
  });
});

describe('.github/workflows/', () => {
  it.each(workflows)('%s is a valid workflow', (file) => {
    expect(checkWorkflow(readFileSync(join(ROOT, file), 'utf8'), action).problems).toEqual([]);
  });

  it('the integration workflow runs the action from the repository', () => {
    const file = workflows.find((f) => f.endsWith('/integration.yml'));
    expect(file).toBeDefined();
    expect(checkWorkflow(readFileSync(join(ROOT, file ?? ''), 'utf8'), action).actionSteps).toBeGreaterThan(
      0,
    );
  });
});

describe('checkWorkflow catches mistakes', () => {
  const workflow = (withBlock: string, run = 'echo ok') => `
on: push
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - id: ecr
        uses: ecr-login/ecr-login@v1
${withBlock}
      - run: ${run}
`;
  const check = (text: string) => checkWorkflow(text, action).problems;
  /** A GitHub expression, `$` + `{{ inner }}` (kept out of string literals, which lint reads as typos). */
  const gh = (inner: string) => `$${'{{'} ${inner} }}`;

  it('accepts a correct workflow', () => {
    expect(
      check(
        workflow(
          "        with:\n          registry-type: public\n          registries: '012345678901'",
          `echo ${gh('steps.ecr.outputs.registry')} ${gh('steps.ecr.outputs.docker_password_public_ecr_aws')}`,
        ),
      ),
    ).toEqual([]);
  });

  it('rejects an input that action.yml does not declare', () => {
    expect(check(workflow('        with:\n          registry-typ: public'))).toEqual([
      'job build, step ecr: `registry-typ` is not an input of action.yml',
    ]);
  });

  it('rejects an unquoted account ID in registries', () => {
    expect(check(workflow('        with:\n          registries: 012345678901'))[0]).toMatch(
      /quote `registries`/,
    );
  });

  it.each([
    ['steps.ecr.outputs.registy', 'steps.ecr.outputs.registy is not an output'],
    ["steps.ecr.outputs['expires_at']", 'steps.ecr.outputs.expires_at is not an output'],
    ['steps.ecr.outputs.docker_token_x', 'steps.ecr.outputs.docker_token_x is not an output'],
    ['steps.ecrr.outputs.registry', 'steps.ecrr is not a step id'],
  ])('rejects %s', (expression, message) => {
    const problems = check(workflow('', `echo "${gh(expression)}"`));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(message);
  });

  it('accepts hyphenated and indexed outputs', () => {
    const run = `echo ${gh('steps.ecr.outputs.expires-at')} ${gh("steps.ecr.outputs['docker-config']")}`;
    expect(check(workflow('', run))).toEqual([]);
  });

  it('rejects an undeclared job output', () => {
    const text = `${workflow('')}
  use:
    needs: build
    runs-on: ubuntu-latest
    steps:
      - run: echo ${gh('needs.build.outputs.registry')}
`;
    expect(check(text)).toEqual(['job use: needs.build.outputs.registry is not declared']);
  });

  it('rejects a file without on: or jobs:', () => {
    expect(check('name: x\njobs: {}\n')).toEqual(['no `on:` trigger', 'no `jobs:`']);
  });

  it('checks the repository reference ./ too', () => {
    const text = workflow('        with:\n          isolate: true').replace('ecr-login/ecr-login@v1', './');
    expect(check(text)).toEqual(['job build, step ecr: `isolate` is not an input of action.yml']);
  });
});
