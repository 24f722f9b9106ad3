import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
/** An error message inside jsqr's decoder that minification keeps: where it is, jsqr is. */
const JSQR_MARKER = 'Invalid module size';

describe('production bundle of the scanning elements', () => {
  let outDir: string;
  let chunks: { name: string; code: string }[];

  beforeAll(async () => {
    outDir = await mkdtemp(join(tmpdir(), 'qr-bundle-'));
    await build({
      configFile: false,
      root: join(here, 'harness'),
      cacheDir: join(outDir, '.vite'),
      logLevel: 'silent',
      build: { outDir: join(outDir, 'dist'), emptyOutDir: true },
    });
    const assets = join(outDir, 'dist', 'assets');
    const names = (await readdir(assets)).filter((name) => name.endsWith('.js'));
    chunks = await Promise.all(
      names.map(async (name) => ({ name, code: await readFile(join(assets, name), 'utf8') })),
    );
  });

  afterAll(() => rm(outDir, { recursive: true, force: true }));

  it('puts jsqr in the worker chunk only', async () => {
    const withJsqr = chunks.filter((chunk) => chunk.code.includes(JSQR_MARKER)).map((c) => c.name);
    expect(withJsqr).toHaveLength(1);
    expect(withJsqr[0]).toMatch(/^qr-worker-.*\.js$/);
  });

  it('starts the worker as a module worker from the page chunk', async () => {
    const pageChunks = chunks.filter((chunk) => !chunk.name.startsWith('qr-worker-'));
    const starters = pageChunks.filter((chunk) =>
      /new Worker\(new URL\(`\/assets\/qr-worker-[^`]+\.js`/.test(chunk.code),
    );
    expect(starters).toHaveLength(1);
    expect(starters[0]?.code).toMatch(/type:\s*`module`|type:\s*"module"|type:\s*'module'/);
  });
});
