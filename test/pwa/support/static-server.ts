import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';

const types: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.wasm': 'application/wasm',
};

/** A running static server for a PWA build. */
export interface AppServer {
  /** e.g. http://127.0.0.1:41234/app/ */
  url: string;
  /** Serve `body` instead of the file at `path` (relative to /app/), e.g. a changed sw.js. */
  override(path: string, body: string | null): void;
  close(): Promise<void>;
}

/**
 * Serves `dir` at `/app/` on 127.0.0.1 (a secure context, so service workers run), the way the
 * server and `vite preview` do. No caching headers: the service worker decides.
 *
 * @example const app = await serveApp(await buildApp()); await page.goto(app.url);
 */
export async function serveApp(dir: string): Promise<AppServer> {
  const overrides = new Map<string, string>();
  const server: Server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    if (!path.startsWith('/app/')) {
      res.writeHead(404).end();
      return;
    }
    const rel = normalize(path.slice('/app/'.length) || 'index.html').replace(/^(\.\.[/\\])+/, '');
    const override = overrides.get(rel);
    try {
      const body = override ?? (await readFile(join(dir, rel)));
      res.writeHead(200, {
        'content-type': types[extname(rel)] ?? 'application/octet-stream',
        'cache-control': 'no-cache',
      });
      res.end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/app/`,
    override(path, body) {
      if (body === null) overrides.delete(path);
      else overrides.set(path, body);
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
