import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getRequestListener } from '@hono/node-server';
import { createServer as createVite, type ViteDevServer } from 'vite';

/** Anything with a fetch handler: the real server's Hono app. */
export interface FetchApp {
  fetch(request: Request, env?: unknown): Response | Promise<Response>;
}

/** A running harness: the page at `pageUrl`, the API on the same origin. */
export interface Harness {
  origin: string;
  pageUrl: string;
  close(): Promise<void>;
}

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * Serves the component test page and the real API on one origin (so the session cookie and the
 * CSRF `Origin` check work as on a real site): `/api/*` goes to the app, the rest to Vite, which
 * compiles the page and `sdk/elements` on the fly.
 *
 * @example
 * const harness = await startHarness(createApp({ store, config, clock }));
 * await page.goto(harness.pageUrl);
 */
export async function startHarness(app: FetchApp): Promise<Harness> {
  // Vite's dependency cache goes outside the tree (tests leave it as they found it), one per
  // harness: two test files optimising into one folder at once would race.
  const cacheDir = await mkdtemp(join(tmpdir(), 'mfa-sdk-harness-'));
  const vite: ViteDevServer = await createVite({
    configFile: false,
    root: repoRoot,
    cacheDir,
    logLevel: 'warn',
    appType: 'mpa',
    server: { middlewareMode: true, hmr: false, watch: null },
    optimizeDeps: { entries: ['test/sdk/harness/index.html'] },
  });
  const api = getRequestListener((request, env) => app.fetch(request, env));
  const server: Server = createServer((req, res) => {
    if (req.url?.startsWith('/api/')) return void api(req, res);
    vite.middlewares(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    pageUrl: `${origin}/test/sdk/harness/index.html`,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await vite.close();
      await rm(cacheDir, { recursive: true, force: true });
    },
  };
}
