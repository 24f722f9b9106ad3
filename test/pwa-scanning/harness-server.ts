import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { createServer } from 'vite';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '../..');

/** A running Vite dev server for the scanning harness page. */
export interface Harness {
  /** Base URL on 127.0.0.1, e.g. `http://127.0.0.1:41234/`. */
  url: string;
  port: number;
  close(): Promise<void>;
}

/**
 * Serves `harness/` with Vite's dev server, as the PWA will be served: the worker is a real
 * module worker and jsqr comes from node_modules. Each run gets its own dependency cache so
 * parallel Vite servers of other suites do not trample each other.
 *
 * @example const harness = await startHarness(); await page.goto(harness.url);
 */
export async function startHarness(): Promise<Harness> {
  const cacheDir = await mkdtemp(join(tmpdir(), 'qr-harness-vite-'));
  const server = await createServer({
    configFile: false,
    root: join(here, 'harness'),
    cacheDir,
    logLevel: 'silent',
    // Pre-bundled up front: discovering jsqr only when the worker asks for it would make Vite
    // re-optimise and reload the page mid-test.
    optimizeDeps: { include: ['lit', 'lit/decorators.js', 'zxing-wasm/reader'] },
    server: {
      host: '127.0.0.1',
      port: 0,
      hmr: false,
      // The insecure-context test reaches this server under a non-local host name.
      allowedHosts: true,
      fs: { allow: [repoRoot] },
    },
  });
  await server.listen();
  const address = server.httpServer?.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${address.port}/`,
    port: address.port,
    close: async () => {
      await server.close();
      await rm(cacheDir, { recursive: true, force: true });
    },
  };
}

/** Opens the harness page and waits until its modules ran. */
export async function openHarness(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.waitForFunction(() => window.harness?.ready === true);
}

/** Events the elements fired so far, in order. */
export function harnessEvents(page: Page): Promise<{ type: string; detail: unknown }[]> {
  return page.evaluate(() => window.harness.events);
}
