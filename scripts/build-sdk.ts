/**
 * `npm run build:sdk`: compiles the published package (`sdk/package.json`) with tsc into
 * `sdk/dist/`: ES modules, `.d.ts` types and source maps of every `sdk/<entry>/index.ts`, of
 * `sdk/verifier/hono.ts` (the `verifier/hono` entry) and of the CLI. The entry points themselves
 * are listed once, in the `exports` of sdk/package.json.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = join(import.meta.dirname, '..');
// `build-sdk.ts <folder>` stages a packable copy (package.json, README.md, dist/) for tests.
const stage = process.argv[2] ? resolve(process.argv[2]) : null;
const out = join(stage ?? join(root, 'sdk'), 'dist');
const tsc = join(root, 'node_modules/typescript/bin/tsc');

rmSync(out, { recursive: true, force: true });
const run = spawnSync(
  process.execPath,
  [tsc, '-p', join(root, 'sdk/tsconfig.build.json'), '--outDir', out],
  {
    stdio: 'inherit',
  },
);
if (run.status !== 0) process.exit(run.status ?? 1);
// tsc rewrites `./x.ts` to `./x.js` in the JavaScript only: the types must name the same files.
for (const file of readdirSync(out, { recursive: true, encoding: 'utf8' })) {
  if (!file.endsWith('.d.ts')) continue;
  const path = join(out, file);
  const text = readFileSync(path, 'utf8');
  writeFileSync(path, text.replace(/(['"]\.\.?\/[^'"]+)\.tsx?(['"])/g, '$1.js$2'));
}
// npm makes bins executable on install; this makes the built one runnable in place too.
chmodSync(join(out, 'cli/main.js'), 0o755);
if (stage) {
  for (const file of ['package.json', 'README.md'])
    copyFileSync(join(root, 'sdk', file), join(stage, file));
}
console.log(`built ${out}`);
