/**
 * Vitest global setup: the native parts the suite needs are really built. `npm ci
 * --ignore-scripts` (or npm holding back install scripts) leaves better-sqlite3 without its
 * compiled binding, and every store test would then fail with a bindings stack trace; this
 * names the missing step once instead.
 */
import { createRequire } from 'node:module';

export default function checkNativeModules() {
  const require = createRequire(import.meta.url);
  try {
    const Database = require('better-sqlite3') as new (path: string) => { close(): void };
    new Database(':memory:').close();
  } catch (error) {
    throw new Error(
      'better-sqlite3 has no compiled binding (was `npm ci --ignore-scripts` used, or were its ' +
        'install scripts held back?). Run `npm rebuild better-sqlite3`, then `npm test` again. ' +
        `(${(error as Error).message.split('\n')[0]})`,
    );
  }
}
