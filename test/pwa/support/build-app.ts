import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
const inputs = ['pwa', 'sdk/otp', 'public', 'vite.config.ts', 'package.json'];

function fingerprint(): string {
  const hash = createHash('sha256');
  const walk = (path: string): void => {
    if (!existsSync(path)) return;
    const stat = statSync(path);
    if (stat.isDirectory()) {
      for (const name of readdirSync(path).sort()) walk(join(path, name));
    } else {
      hash.update(`${path}:${stat.size}:${stat.mtimeMs}\n`);
    }
  };
  for (const input of inputs) walk(join(repo, input));
  return hash.digest('hex').slice(0, 16);
}

/** Deletes builds of earlier source states (older than an hour), keeping `current`. */
function pruneOldBuilds(current: string): void {
  const root = join(repo, '.tmp', 'pwa-build');
  for (const name of readdirSync(root)) {
    const path = join(root, name);
    if (path === current || name.endsWith('.lock')) continue;
    if (Date.now() - statSync(path).mtimeMs > 3_600_000)
      rmSync(path, { recursive: true, force: true });
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/**
 * Builds the PWA once per source state into `.tmp/pwa-build/<fingerprint>` (git-ignored) and
 * returns that folder. Test files running in parallel share one build: the first takes a lock
 * directory, the others wait for its `.done` marker.
 *
 * @example const dist = await buildApp();
 */
export async function buildApp(): Promise<string> {
  const out = join(repo, '.tmp', 'pwa-build', fingerprint());
  const done = join(out, '.done');
  const lock = `${out}.lock`;
  mkdirSync(join(repo, '.tmp', 'pwa-build'), { recursive: true });
  for (let waited = 0; !existsSync(done); waited += 250) {
    try {
      mkdirSync(lock);
    } catch {
      if (waited > 180_000) throw new Error(`timed out waiting for the PWA build in ${out}`);
      await sleep(250);
      continue;
    }
    try {
      const run = spawnSync(
        process.execPath,
        [
          join(repo, 'node_modules/vite/bin/vite.js'),
          'build',
          '--outDir',
          out,
          '--logLevel',
          'warn',
        ],
        {
          cwd: repo,
          encoding: 'utf8',
          // Vitest sets NODE_ENV=test, which would make Vite build the development flavour
          // (Lit dev mode, no service worker registration).
          env: { ...process.env, NODE_ENV: 'production' },
        },
      );
      if (run.status !== 0) throw new Error(`vite build failed:\n${run.stdout}\n${run.stderr}`);
      writeFileSync(done, new Date().toISOString());
      pruneOldBuilds(out);
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  }
  return out;
}
