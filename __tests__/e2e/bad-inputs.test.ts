// Malformed inputs end to end through the built action, run by the runner emulator (main, then post): one
// representative row per kind of problem (several inputs at once, the registry grammar, a role, a proxy with
// a password). Each must fail the step with exit code 1 and one `::error::` naming the input and the bad
// item, before any network call (the ECR and STS stand-ins receive nothing) and without touching the docker
// config (a seeded one stays byte-for-byte the same). The full table runs in-process in
// __tests__/unit/main.test.ts.
import { describe, it } from 'vitest';
import { BAD_INPUT_ACCOUNT, badInput } from '../support/bad-inputs.js';
import { errorsOf, newJob, readJobConfigText, runJob, startWorld } from './helpers.js';

const rows = [
  'three bad inputs at once',
  'look-alike: .evil.example after the host',
  'registry-roles partition mismatch',
  'http-proxy with a password (redacted)',
].map(badInput);

const SEED = `{\n\t"auths": {\n\t\t"ghcr.io": {\n\t\t\t"auth": "b2N0b2NhdDpub3RyZWFs"\n\t\t}\n\t},\n\t"x-keep": [1, 2]\n}\n`;

describe('e2e: malformed inputs fail fast, name the problem, touch nothing', () => {
  describe.concurrent('rows', () => {
    it.for(rows)('$name', async (row, { expect }) => {
      const world = await startWorld({ registries: false });
      const job = await newJob({ seed: SEED });
      try {
        const run = await runJob(world, job, {
          inputs: { registries: BAD_INPUT_ACCOUNT, region: 'us-east-1', ...row.inputs },
          env: { AWS_REGION: 'us-east-1', ...row.env },
        });
        expect(run.main.exitCode).toBe(1);
        expect(run.main.timedOut).toBe(false);
        const errors = errorsOf(run.main);
        expect(errors).toHaveLength(1);
        const message = errors[0] ?? '';
        for (const part of row.expect) expect(message).toContain(part);
        for (const part of row.absent ?? [])
          expect(`${run.main.stdout}${run.main.stderr}`).not.toContain(part);
        // Before any network call, before any disk write.
        expect(world.ecr.requests).toEqual([]);
        expect(world.sts.requests).toEqual([]);
        expect(run.main.outputs).toEqual({});
        expect(run.main.state).toEqual({});
        expect(run.post?.exitCode).toBe(0);
        expect(errorsOf(run.post)).toEqual([]);
        expect(await readJobConfigText(job)).toBe(SEED);
      } finally {
        await job.cleanup();
        await world.close();
      }
    });
  });
});
