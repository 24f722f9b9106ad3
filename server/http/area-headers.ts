import type { Context, MiddlewareHandler } from 'hono';
import { secureHeaders } from 'hono/secure-headers';

type SecureHeadersOptions = NonNullable<Parameters<typeof secureHeaders>[0]>;

type Csp = NonNullable<SecureHeadersOptions['contentSecurityPolicy']>;
type Permissions = NonNullable<SecureHeadersOptions['permissionsPolicy']>;

/** The API returns JSON only: nothing may run, load or frame it. */
const apiCsp: Csp = {
  defaultSrc: ["'none'"],
  frameAncestors: ["'none'"],
  baseUri: ["'none'"],
  formAction: ["'none'"],
};

/**
 * The PWA at /app/: Lit styles inline, a QR-scanning worker from blob:, the camera, and the QR
 * decoder's WebAssembly (compiling it needs `'wasm-unsafe-eval'`, which allows wasm only, not
 * JavaScript `eval`).
 */
const pwaCsp: Csp = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'", "'wasm-unsafe-eval'"],
  workerSrc: ["'self'", 'blob:'],
  imgSrc: ["'self'", 'data:', 'blob:'],
  mediaSrc: ["'self'", 'blob:'],
  connectSrc: ["'self'"],
  styleSrc: ["'self'", "'unsafe-inline'"],
  manifestSrc: ["'self'"],
  objectSrc: ["'none'"],
  baseUri: ["'self'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
};

/** The BMS pages at / (server-rendered, no inline script). */
const pagesCsp: Csp = {
  defaultSrc: ["'self'"],
  imgSrc: ["'self'", 'data:'],
  styleSrc: ["'self'", "'unsafe-inline'"],
  objectSrc: ["'none'"],
  baseUri: ["'self'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
};

const noDevices: Permissions = { camera: [], microphone: [], geolocation: [] };

/**
 * Hono's secureHeaders with our choice: nosniff, no referrer, no framing, same-origin opener and
 * resources, a CSP and Permissions-Policy per area, and HSTS only on HTTPS (on plain HTTP it
 * would be ignored, and on localhost it would pin the browser to HTTPS).
 */
function headersFor(csp: Csp, permissions: Permissions, hstsMaxAge: number) {
  const options = (tls: boolean): SecureHeadersOptions => ({
    contentSecurityPolicy: csp,
    permissionsPolicy: permissions,
    xFrameOptions: 'DENY',
    strictTransportSecurity:
      tls && hstsMaxAge > 0 ? `max-age=${hstsMaxAge}; includeSubDomains` : false,
    originAgentCluster: false,
    xDnsPrefetchControl: false,
    xDownloadOptions: false,
    xPermittedCrossDomainPolicies: false,
    xXssProtection: false,
  });
  return { plain: secureHeaders(options(false)), tls: secureHeaders(options(true)) };
}

/**
 * Security headers on every answer, errors included, with the policy of the area the path is in:
 * the API (`/api`), the PWA (`/app`) or the BMS pages (everything else). A request is HTTPS when
 * it arrived over TLS or, behind a trusted proxy (`trustProxy` > 0), when the proxy says so in
 * `X-Forwarded-Proto`; HTTPS answers carry HSTS with `hstsMaxAge` (0: none).
 *
 * @example app.use('*', areaSecureHeaders({ trustProxy: 1, hstsMaxAge: 31_536_000 }));
 */
export function areaSecureHeaders({
  trustProxy,
  hstsMaxAge,
}: {
  trustProxy: number;
  hstsMaxAge: number;
}): MiddlewareHandler {
  const api = headersFor(apiCsp, noDevices, hstsMaxAge);
  const pwa = headersFor(pwaCsp, { ...noDevices, camera: ['self'] }, hstsMaxAge);
  const pages = headersFor(pagesCsp, noDevices, hstsMaxAge);
  return (c, next) => {
    const path = c.req.path;
    const area =
      path.startsWith('/api/') || path === '/api'
        ? api
        : path.startsWith('/app/') || path === '/app'
          ? pwa
          : pages;
    return (isHttps(c, trustProxy) ? area.tls : area.plain)(c, next);
  };
}

/** Over TLS (node-server and app.request both give an absolute, lower-case URL) or a trusted proxy's word. */
function isHttps(c: Context, trustProxy: number): boolean {
  if (c.req.url.startsWith('https:')) return true;
  if (trustProxy === 0) return false;
  // The proxy nearest the server writes the last value.
  const proto = c.req.header('x-forwarded-proto')?.split(',').at(-1)?.trim().toLowerCase();
  return proto === 'https';
}
