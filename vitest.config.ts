import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['sdk/**/*.test.ts', 'server/**/*.test.ts', 'pwa/**/*.test.ts', 'test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 120_000,
    // Browser and multi-process tests each start their own servers; two cores cannot run many at once.
    maxWorkers: 2,
  },
});
