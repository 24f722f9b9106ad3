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
  // Caching by path, set after the file is served (serveStatic's onFound runs too late for headers).
  app.use('/app/*', async (c, next) => {
    await next();
    if (c.res.status !== 200) return;
    const path = c.req.path;
    if (path.endsWith('/sw.js')) {
      c.res.headers.set('Cache-Control', 'no-cache');
      c.res.headers.set('Service-Worker-Allowed', '/app/');
    } else if (path.includes('/assets/')) {
      c.res.headers.set('Cache-Control', 'public, max-age=31536000, immutable');
    } else {
      c.res.headers.set('Cache-Control', 'no-cache');
    }
  });
  app.use(
    '/app/*',
    serveStatic({ root: dir, rewriteRequestPath: (path) => path.replace(/^\/app/, '') }),
  );
  // SPA fallback: a path with no file is a client-side route (but a missing asset stays a 404).
  const index = serveStatic({ root: dir, path: 'index.html' });
  app.get('/app/*', (c, next) => (/\.\w+$/.test(c.req.path) ? next() : index(c, next)));
  return true;
}
