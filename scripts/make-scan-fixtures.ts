/**
 * Writes the scan benchmark's QR image set (≥ 200 pictures in 12 categories, from a fixed seed)
 * to a cache folder, `.tmp/scan-fixtures/` unless a folder is given, with an `index.json`.
 * `npm run bench -- scan` makes it too when it is missing.
 *
 *   node --import tsx scripts/make-scan-fixtures.ts [dir]
 */
import { DEFAULT_FIXTURE_DIR, makeScanFixtures } from '../bench/support/scan-fixtures.ts';

const dir = process.argv[2] ?? DEFAULT_FIXTURE_DIR;
const started = performance.now();
const fixtures = await makeScanFixtures(dir);
const seconds = ((performance.now() - started) / 1000).toFixed(1);
console.log(`${fixtures.length} scan fixtures in ${dir} (${seconds} s)`);
