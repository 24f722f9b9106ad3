/**
 * `npm run bench -- bundle-size`: what each entry point of the published package costs in a
 * browser build. The SDK is built as published (scripts/build-sdk.ts) and each entry bundled
 * by Vite, minified, with everything it exports (`export *`) and as a typical import; sizes
 * raw and gzipped (level 9). Goal: `mfa-companion/otp` under 12 kB gzipped.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
// Inside the repository, so the bundler finds lit, jsqr and @noble/hashes in its node_modules.
const staged = join(root, '.tmp/bench-bundle-size');
const OTP_GOAL = 12_000;

const built = spawnSync(
  process.execPath,
  ['--import', 'tsx', join(root, 'scripts/build-sdk.ts'), staged],
  { encoding: 'utf8' },
);
if (built.status !== 0) throw new Error(`build-sdk failed:\n${built.stdout}${built.stderr}`);

interface Bundle {
  modules: string[];
  bytes: number;
  gzip: number;
}

function bundle(entry: string, names?: string): Bundle {
  const module = join(staged, 'dist', entry, 'index.js');
  const run = spawnSync(
    process.execPath,
    [join(import.meta.dirname, 'support/bundle-entry.mjs'), module, ...(names ? [names] : [])],
    { cwd: root, encoding: 'utf8' },
  );
  if (run.status !== 0) throw new Error(`bundling ${entry} failed:\n${run.stderr}`);
  return JSON.parse(run.stdout) as Bundle;
}

const kB = (bytes: number) => `${(bytes / 1000).toFixed(1)} kB`.padStart(9);
const rows: [string, string, string | undefined][] = [
  ['otp', 'everything', undefined],
  ['otp', 'generateCode, verifyCode, parseKeyUri', 'generateCode,verifyCode,parseKeyUri'],
  ['client', 'everything', undefined],
  ['elements', 'everything (Lit and client included)', undefined],
  ['testing', 'everything (jsQR included; Node only)', undefined],
];

console.log(
  `${'entry point'.padEnd(24)}${'imports'.padEnd(40)}${'min'.padStart(9)}${'gzip'.padStart(9)}`,
);
let otpGzip = 0;
for (const [entry, what, names] of rows) {
  const { bytes, gzip } = bundle(entry, names);
  if (entry === 'otp' && !names) otpGzip = gzip;
  console.log(`${`mfa-companion/${entry}`.padEnd(24)}${what.padEnd(40)}${kB(bytes)}${kB(gzip)}`);
}
const ok = otpGzip < OTP_GOAL;
console.log(
  `otp ${kB(otpGzip).trim()} gzipped (goal < ${kB(OTP_GOAL).trim()}): ${ok ? 'ok' : 'OVER GOAL'}`,
);
