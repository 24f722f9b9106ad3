import type { ServerResponse } from 'node:http';
import type { Context, MiddlewareHandler } from 'hono';

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

export type HeaderList = readonly (readonly [string, string])[];

const hsts = ['Strict-Transport-Security', 'max-age=31536000; includeSubDomains'] as const;

/** Built once per area: an answer only picks its list (plain HTTP or HTTPS with HSTS). */
function area(csp: string, permissions: string): { plain: HeaderList; tls: HeaderList } {
  const plain: HeaderList = [
    ...Object.entries(common),
    ['Content-Security-Policy', csp],
    ['Permissions-Policy', permissions],
  ];
  return { plain, tls: [...plain, hsts] };
}
const api = area(apiCsp, 'camera=(), microphone=(), geolocation=()');
const pwa = area(pwaCsp, 'camera=(self), microphone=(), geolocation=()');
const pages = area(pagesCsp, 'camera=(), microphone=(), geolocation=()');

/** The API's security headers, for answers written without Hono (`tls`: the request came over HTTPS). */
export const apiSecurityHeaders = (tls: boolean): HeaderList => (tls ? api.tls : api.plain);

function headersFor(path: string, url: string): HeaderList {
  const headers =
    path.startsWith('/api/') || path === '/api'
      ? api
      : path.startsWith('/app/') || path === '/app'
        ? pwa
        : pages;
  // node-server and app.request both give an absolute URL with a lower-case scheme.
  return url.startsWith('https:') ? headers.tls : headers.plain;
}

/** The Node response behind the request, when served by `@hono/node-server`. */
function nodeResponse(c: Context): Pick<ServerResponse, 'setHeader'> | undefined {
  const outgoing = (c.env as { outgoing?: unknown } | undefined)?.outgoing;
  return typeof (outgoing as ServerResponse | undefined)?.setHeader === 'function'
    ? (outgoing as ServerResponse)
    : undefined;
}

/**
 * Security headers on every answer, with a Content-Security-Policy per area (API, PWA, pages)
 * and `Strict-Transport-Security` on HTTPS. Under `@hono/node-server` they go straight on the
 * Node response before the handler runs (Node merges them into the status line it writes, so they
 * are on every answer, errors included), which skips eight web `Headers.set` per request; under
 * `app.request` (tests, other runtimes) they are set on the finished `Response`.
 *
 * @example app.use('*', securityHeaders());
 */
export function securityHeaders(): MiddlewareHandler {
  return async (c, next) => {
    const list = headersFor(c.req.path, c.req.url);
    const outgoing = nodeResponse(c);
    if (outgoing) {
      for (const [name, value] of list) outgoing.setHeader(name, value);
      return next();
    }
    await next();
    for (const [name, value] of list) c.res.headers.set(name, value);
  };
}
