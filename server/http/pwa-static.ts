import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { serveStatic } from '@hono/node-server/serve-static';
import type { Hono } from 'hono';
import type { AppEnv } from './app-env.ts';

/**
 * Serves the PWA build (`dist/pwa`, vite base `/app/`) at /app/ when it exists: static files,
 * the service worker uncached and allowed to control /app/, and index.html for any other
 * /app/ path (client-side routes). Returns whether it was mounted.
 *
 * @example mountPwa(app, config.pwaDir);
 */
export function mountPwa(app: Hono<AppEnv>, dir: string): boolean {
  if (!existsSync(join(dir, 'index.html'))) return false;
  app.get('/app', (c) => c.redirect('/app/', 301));
  app.use(
    '/app/*',
    serveStatic({
      root: dir,
      rewriteRequestPath: (path) => path.replace(/^\/app/, ''),
      onFound: (path, c) => {
        if (
          /(^|\/)sw\.js$/.test(path) ||
          path.endsWith('.webmanifest') ||
          path.endsWith('index.html')
        ) {
          c.header('Cache-Control', 'no-cache');
        } else if (/\/assets\//.test(path)) {
          c.header('Cache-Control', 'public, max-age=31536000, immutable');
        }
        if (/(^|\/)sw\.js$/.test(path)) c.header('Service-Worker-Allowed', '/app/');
      },
    }),
  );
  // SPA fallback: a path with no file is a client-side route (but a missing asset stays a 404).
  app.get('/app/*', async (c, next) => {
    if (/\.\w+$/.test(c.req.path)) return next();
    return serveStatic({
      root: dir,
      path: 'index.html',
      onFound: (_p, cc) => cc.header('Cache-Control', 'no-cache'),
    })(c, next);
  });
  return true;
}
