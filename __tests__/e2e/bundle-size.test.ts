// The bundle-size budgets of docs/performance.md, on the built dist/ (npm run build first): the entries load
// on every run, so their size is start-up time. Lazy chunks load only when a run needs them.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/runner.js';

const KB = 1024;
const BUDGETS = [
  ['dist/main/index.js', 1024 * KB],
  ['dist/post/index.js', 100 * KB],
  // Runs on every client call: a cached answer must load no SDK (docs/credential-helper.md).
  ['dist/helper/index.js', 32 * KB],
] as const;

describe('bundle sizes', () => {
  it.each(BUDGETS)('%s stays under %d bytes', (file, budget) => {
    expect(statSync(join(REPO_ROOT, file)).size).toBeLessThan(budget);
  });
});
