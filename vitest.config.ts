import { defineConfig } from 'vitest/config';

// Three layers, each its own project (`npm run test:unit` etc.; unit is two projects, see below):
// - unit: each module alone, temp files at most; no real tool, server or child process; runs on any OS.
// - integration: real tools and servers in-process (docker CLI, docker-registry, tinyproxy, skopeo, the
//   ECR/STS stand-ins) and the tests of those doubles themselves.
// - e2e: the built dist/ bundles run as the Actions runner runs them (npm run build first).
// Unit files that vi.mock a node: module need a fresh module graph (the code under test must import the mock).
const MOCKS_BUILTINS = [
  '__tests__/unit/config-lock.test.ts',
  '__tests__/unit/post.test.ts',
  '__tests__/unit/runner.test.ts',
];

export default defineConfig({
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['__tests__/unit/**/*.test.ts'],
          exclude: MOCKS_BUILTINS,
          // No real parts: threads, and modules imported once per worker (the AWS SDK alone takes seconds).
          pool: 'threads',
          isolate: false,
        },
      },
      {
        extends: true,
        test: { name: 'unit-isolated', include: MOCKS_BUILTINS, pool: 'threads' },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['__tests__/integration/**/*.test.ts'],
          // The real parts run in child processes: a file needs no process or module graph of its own.
          isolate: false,
          pool: 'threads',
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          isolate: false,
          pool: 'threads',
          include: ['__tests__/e2e/**/*.test.ts'],
          // Steps spawn real processes (node, docker, registries): generous bounds, never a measure.
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
    // Integration and e2e files spend most of their time waiting on the processes they start (node, docker,
    // registries, proxies), so more files than cores run at once: on 2 cores the suite drops from ~160 s to
    // ~77 s, where the CPU itself becomes the limit (more workers measured no faster).
    maxWorkers: 4,
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
