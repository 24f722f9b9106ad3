import { configDefaults, defineConfig } from 'vitest/config';

const all = ['sdk/**/*.test.ts', 'server/**/*.test.ts', 'pwa/**/*.test.ts', 'test/**/*.test.ts'];

/**
 * Tests that need Chromium, PostgreSQL, a production build or child processes: the slow part of
 * the suite. The `quick` project (`npm run test:quick`) is everything else, run in-process.
 */
const slow = [
  'test/e2e/**/*.test.ts',
  'test/pages/**/*.test.ts',
  'test/pwa/**/*.test.ts',
  'test/pwa-scanning/**/*.test.ts',
  'test/multi-instance/**/*.test.ts',
  'test/sdk/mfa-challenge.test.ts',
  'test/sdk/mfa-enroll.test.ts',
  'test/store/postgres.test.ts',
  'test/store/postgres-scale.test.ts',
  'test/verifier/postgres.test.ts',
  'test/verifier/sqlite-processes.test.ts',
  'test/server/saml-postgres.test.ts',
  'test/server/sso-rules-postgres.test.ts',
  'server/store/open-store.test.ts',
  'test/server/main.test.ts',
  'test/server/admin-cli.test.ts',
  'test/sdk-package/**/*.test.ts',
  'test/types/**/*.test.ts',
];

const shared = {
  environment: 'node',
  // Fails the run at once, naming the step, when a native module was not built.
  globalSetup: 'test/support/native-modules.ts',
  testTimeout: 30_000,
  hookTimeout: 120_000,
  // expect.poll waits 1 s by default: on a loaded 2-core CI box Chromium's fake camera alone has
  // taken longer to go live, failing the waiting test and then the next one on its late stream.
  expect: { poll: { timeout: 10_000 } },
} as const;

export default defineConfig({
  test: {
    // Browser and multi-process tests each start their own servers; two cores cannot run many at once.
    maxWorkers: 2,
    // Together the two projects are the whole suite (`npm test`): every file is in exactly one.
    projects: [
      {
        test: {
          ...shared,
          name: 'quick',
          include: all,
          exclude: [...configDefaults.exclude, ...slow],
        },
      },
      { test: { ...shared, name: 'slow', include: slow } },
    ],
  },
});
