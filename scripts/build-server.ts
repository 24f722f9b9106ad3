/**
 * `npm run build:server`: compiles the server (and the sdk/ it imports) with tsc into
 * `dist/node/`, then copies what tsc does not emit — the per-dialect SQL migrations, and the
 * SQLite read thread's plain-JavaScript worker — beside the compiled stores, where their
 * `new URL('./migrations', import.meta.url)` and `new URL('./read-worker.js', …)` look.
 * `npm start` runs the result: `node dist/node/server/main.js`.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = join(import.meta.dirname, '..');
// Tests build into their own folder (`build-server.ts <outDir>`) so they never race `npm start`.
const out = resolve(process.argv[2] ?? join(root, 'dist/node'));
const tsc = join(root, 'node_modules/typescript/bin/tsc');

rmSync(out, { recursive: true, force: true });
const run = spawnSync(
  process.execPath,
  [tsc, '-p', join(root, 'tsconfig.server.json'), '--outDir', out],
  {
    stdio: 'inherit',
  },
);
if (run.status !== 0) process.exit(run.status ?? 1);
for (const dialect of ['sqlite', 'postgres']) {
  const migrations = `server/store/${dialect}/migrations`;
  // Dereferenced: PostgreSQL's 0008 is a link to SQLite's 0009, and dist/ must stand alone.
  cpSync(join(root, migrations), join(out, migrations), { recursive: true, dereference: true });
}
const readWorker = 'server/store/sqlite/read-worker.js';
cpSync(join(root, readWorker), join(out, readWorker));
console.log(`built ${out} (server/main.js, server/cli/admin.js)`);
