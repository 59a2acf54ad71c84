import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['__tests__/**/*.test.ts'],
    // e2e tests spawn real processes (node, docker, registries); keep them off the unit pool's clock.
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
