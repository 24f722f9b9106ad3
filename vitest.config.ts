import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['sdk/**/*.test.ts', 'server/**/*.test.ts', 'pwa/**/*.test.ts', 'test/**/*.test.ts'],
    environment: 'node',
    // Fails the run at once, naming the step, when a native module was not built.
    globalSetup: ['test/support/native-modules.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    // expect.poll waits 1 s by default: on a loaded 2-core CI box Chromium's fake camera alone has
    // taken longer to go live, failing the waiting test and then the next one on its late stream.
    expect: { poll: { timeout: 10_000 } },
    // Browser and multi-process tests each start their own servers; two cores cannot run many at once.
    maxWorkers: 2,
  },
});
