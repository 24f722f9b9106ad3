import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../pwa/support/build-app.ts';

const here = dirname(fileURLToPath(import.meta.url));
/** zxing-wasm's glue names its wasm file; where that is, the decoder is. */
const ZXING_MARKER = 'zxing_reader';
/** An error message inside jsqr's decoder that minification keeps. */
const JSQR_MARKER = 'Invalid module size';

describe('production bundle of the scanning elements', () => {
  let outDir: string;
  let chunks: { name: string; code: string }[];
  let assets: string[];

  beforeAll(async () => {
    outDir = await mkdtemp(join(tmpdir(), 'qr-bundle-'));
    await build({
      configFile: false,
      root: join(here, 'harness'),
      cacheDir: join(outDir, '.vite'),
      logLevel: 'silent',
      build: { outDir: join(outDir, 'dist'), emptyOutDir: true },
    });
    const dir = join(outDir, 'dist', 'assets');
    assets = await readdir(dir);
    chunks = await Promise.all(
      assets
        .filter((name) => name.endsWith('.js'))
        .map(async (name) => ({ name, code: await readFile(join(dir, name), 'utf8') })),
    );
  });

  afterAll(() => rm(outDir, { recursive: true, force: true }));

  it('puts the zxing-wasm decoder in the worker chunk only, and jsqr nowhere', () => {
    const withZxing = chunks
      .filter((chunk) => chunk.code.includes(ZXING_MARKER))
      .map((c) => c.name);
    expect(withZxing).toHaveLength(1);
    expect(withZxing[0]).toMatch(/^qr-worker-.*\.js$/);
    expect(chunks.filter((chunk) => chunk.code.includes(JSQR_MARKER))).toEqual([]);
  });

  it('ships the wasm as a hashed asset of our own, named by the worker', () => {
    const wasm = assets.filter((name) => name.endsWith('.wasm'));
    expect(wasm).toHaveLength(1);
    expect(wasm[0]).toMatch(/^zxing_reader-[\w-]+\.wasm$/);
    const worker = chunks.find((chunk) => chunk.name.startsWith('qr-worker-'));
    expect(worker?.code).toContain(`/assets/${wasm[0]}`);
  });

  it('starts the worker as a module worker from the page chunk', () => {
    const pageChunks = chunks.filter((chunk) => !chunk.name.startsWith('qr-worker-'));
    const starters = pageChunks.filter((chunk) =>
      /new Worker\(new URL\(`\/assets\/qr-worker-[^`]+\.js`/.test(chunk.code),
    );
    expect(starters).toHaveLength(1);
    expect(starters[0]?.code).toMatch(/type:\s*`module`|type:\s*"module"|type:\s*'module'/);
  });
});

describe('production build of the app', { timeout: 240_000 }, () => {
  let dist: string;
  beforeAll(async () => {
    dist = await buildApp();
  });

  /** The JS index.html loads before anything else: entry scripts and their static imports. */
  async function firstPaintFiles(): Promise<string[]> {
    const html = await readFile(join(dist, 'index.html'), 'utf8');
    const queue = [
      ...html.matchAll(
        /<script[^>]+type="module"[^>]*src="([^"]+)"|<link[^>]+rel="modulepreload"[^>]*href="([^"]+)"/g,
      ),
    ].map((m) => (m[1] ?? m[2] ?? '').replace(/^\/app\//, ''));
    const seen = new Set<string>();
    while (queue.length) {
      const file = queue.shift() ?? '';
      if (seen.has(file)) continue;
      seen.add(file);
      const code = await readFile(join(dist, file), 'utf8');
      for (const m of code.matchAll(
        /\b(?:import|export)\s*(?:[\w$*{}\s,]+?\s*from\s*)?["'](\.\/[^"']+)["']/g,
      )) {
        queue.push(join(file, '..', m[1] ?? ''));
      }
    }
    return [...seen];
  }

  it('keeps first-paint JS under 35 kB gzipped, without the decoder or its worker', async () => {
    const files = await firstPaintFiles();
    let gzipped = 0;
    for (const file of files) {
      const code = await readFile(join(dist, file));
      gzipped += gzipSync(code, { level: 9 }).length;
      expect(code.toString('utf8')).not.toContain(ZXING_MARKER);
      expect(file).not.toMatch(/qr-worker/);
    }
    expect(gzipped).toBeLessThan(35 * 1024);
  });

  it('precaches the decoder worker and its wasm, so scanning works offline', async () => {
    const sw = await readFile(join(dist, 'sw.js'), 'utf8');
    const wasm = (await readdir(join(dist, 'assets'))).find((name) => name.endsWith('.wasm'));
    expect(wasm).toBeDefined();
    expect(sw).toContain(`assets/${wasm}`);
    expect(sw).toMatch(/assets\/qr-worker-[\w-]+\.js/);
  });
});
