import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const repo = resolve(fileURLToPath(new URL('../..', import.meta.url)));

function fingerprint(inputs: readonly string[]): string {
  const hash = createHash('sha256');
  const walk = (path: string): void => {
    if (!existsSync(path) || path.endsWith('/dist') || path.endsWith('/node_modules')) return;
    const stat = statSync(path);
    if (stat.isDirectory()) for (const name of readdirSync(path).sort()) walk(join(path, name));
    else hash.update(`${path}:${stat.size}:${stat.mtimeMs}\n`);
  };
  for (const input of inputs) walk(join(repo, input));
  return hash.digest('hex').slice(0, 16);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Runs `node <args(folder)…>` once per state of `inputs`, into `.tmp/<name>/<fingerprint>`
 * (git-ignored, so tests leave the tree as they found it), and returns the folder. Test files
 * running in parallel share one build through a lock directory; `npm start`'s own `dist/` is
 * never touched.
 *
 * @example const built = await buildOnce('sdk-build', ['sdk'], (out) => ['--import', 'tsx', 'scripts/build-sdk.ts', out]);
 */
export async function buildOnce(
  name: string,
  inputs: readonly string[],
  args: (out: string) => string[],
): Promise<string> {
  const out = join(repo, '.tmp', name, fingerprint(['tsconfig.json', ...inputs]));
  const done = join(out, '.done');
  const lock = `${out}.lock`;
  mkdirSync(join(repo, '.tmp', name), { recursive: true });
  for (let waited = 0; !existsSync(done); waited += 250) {
    try {
      mkdirSync(lock);
    } catch {
      if (waited > 180_000) throw new Error(`timed out waiting for the build in ${out}`);
      await sleep(250);
      continue;
    }
    try {
      rmSync(out, { recursive: true, force: true });
      mkdirSync(out, { recursive: true });
      const run = spawnSync(process.execPath, args(out), { cwd: repo, encoding: 'utf8' });
      if (run.status !== 0) throw new Error(`${name} failed:\n${run.stdout}\n${run.stderr}`);
      writeFileSync(done, new Date().toISOString());
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  }
  return out;
}

/** A build script of `scripts/`, run through tsx with the output folder as its argument. */
const script = (path: string) => (out: string) => ['--import', 'tsx', path, out];

/** The server compiled as `npm start` runs it; `main.js` is `<folder>/server/main.js`. */
export const buildServer = () =>
  buildOnce(
    'server-build',
    ['scripts/build-server.ts', 'server', 'sdk', 'tsconfig.server.json'],
    script('scripts/build-server.ts'),
  );

/** The SDK package staged for `npm pack`: `<folder>/package.json`, `README.md`, `dist/`. */
export const buildSdk = () =>
  buildOnce('sdk-build', ['scripts/build-sdk.ts', 'sdk'], script('scripts/build-sdk.ts'));
