/**
 * Runs every benchmark under bench/ (files named *.bench.ts), one process each so they do not
 * disturb one another. `npm run bench -- otp` runs only those whose name contains "otp".
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const filters = process.argv.slice(2);
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort();

let failed = 0;
for (const file of files) {
  console.log(`\n=== ${file} ===`);
  const run = spawnSync(process.execPath, ['--import', 'tsx', join(here, file)], {
    stdio: 'inherit',
  });
  if (run.status !== 0) {
    failed++;
    console.error(`bench: ${file} exited with ${run.status ?? run.signal}`);
  }
}
if (files.length === 0) console.log('bench: no benchmark matched', filters.join(' '));
process.exit(failed === 0 ? 0 : 1);
