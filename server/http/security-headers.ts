import type { MiddlewareHandler } from 'hono';

const common: Record<string, string> = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

/** The API returns JSON only: nothing may run, load or frame it. */
const apiCsp = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/** The PWA at /app/: Lit styles inline, a QR-scanning worker from blob:, the camera. */
const pwaCsp = [
  "default-src 'self'",
  "script-src 'self'",
  "worker-src 'self' blob:",
  "img-src 'self' data: blob:",
  "media-src 'self' blob:",
  "connect-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "manifest-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** The BMS pages at / (server-rendered, no inline script). */
const pagesCsp = [
  "default-src 'self'",
  "img-src 'self' data:",
  "style-src 'self' 'unsafe-inline'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * Security headers on every answer, with a Content-Security-Policy per area (API, PWA, pages)
 * and `Strict-Transport-Security` on HTTPS.
 *
 * @example app.use('*', securityHeaders());
 */
export function securityHeaders(): MiddlewareHandler {
  return async (c, next) => {
    await next();
    const path = c.req.path;
    for (const [name, value] of Object.entries(common)) c.res.headers.set(name, value);
    if (path.startsWith('/api/') || path === '/api') {
      c.res.headers.set('Content-Security-Policy', apiCsp);
      c.res.headers.set('Permissions-Policy', 'camera=(), microphone=(), geolocation=()');
    } else if (path.startsWith('/app/') || path === '/app') {
      c.res.headers.set('Content-Security-Policy', pwaCsp);
      c.res.headers.set('Permissions-Policy', 'camera=(self), microphone=(), geolocation=()');
    } else {
      c.res.headers.set('Content-Security-Policy', pagesCsp);
      c.res.headers.set('Permissions-Policy', 'camera=(), microphone=(), geolocation=()');
    }
    if (new URL(c.req.url).protocol === 'https:') {
      c.res.headers.set('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
    }
  };
}
