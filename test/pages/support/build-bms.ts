import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
const inputs = [
  'server/pages/client',
  'server/pages/vite.config.ts',
  'sdk/client',
  'sdk/elements',
  'sdk/otp',
  // Its sideEffects field decides what the bundler may drop from sdk/.
  'sdk/package.json',
  'package.json',
];

function fingerprint(): string {
  const hash = createHash('sha256');
  const walk = (path: string): void => {
    if (!existsSync(path)) return;
    const stat = statSync(path);
    if (stat.isDirectory()) for (const name of readdirSync(path).sort()) walk(join(path, name));
    else hash.update(`${path}:${stat.size}:${stat.mtimeMs}\n`);
  };
  for (const input of inputs) walk(join(repo, input));
  return hash.digest('hex').slice(0, 16);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Builds the BMS pages bundle once per source state into `.tmp/bms-build/<fingerprint>`
 * (git-ignored, so tests leave the tree as they found it) and returns the folder. Parallel test
 * files share one build through a lock directory.
 *
 * @example const assetsDir = await buildBms();
 */
export async function buildBms(): Promise<string> {
  const out = join(repo, '.tmp', 'bms-build', fingerprint());
  const done = join(out, '.done');
  const lock = `${out}.lock`;
  mkdirSync(join(repo, '.tmp', 'bms-build'), { recursive: true });
  for (let waited = 0; !existsSync(done); waited += 250) {
    try {
      mkdirSync(lock);
    } catch {
      if (waited > 180_000) throw new Error(`timed out waiting for the BMS build in ${out}`);
      await sleep(250);
      continue;
    }
    try {
      const vite = join(repo, 'node_modules/vite/bin/vite.js');
      const args = [vite, 'build', '--config', 'server/pages/vite.config.ts', '--outDir', out];
      const run = spawnSync(process.execPath, [...args, '--logLevel', 'warn'], {
        cwd: repo,
        encoding: 'utf8',
      });
      if (run.status !== 0) throw new Error(`BMS build failed:\n${run.stdout}\n${run.stderr}`);
      writeFileSync(done, new Date().toISOString());
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  }
  return out;
}
