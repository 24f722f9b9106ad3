import type { MiddlewareHandler } from 'hono';
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

/** The PWA at /app/: Lit styles inline, a QR-scanning worker from blob:, the camera. */
const pwaCsp: Csp = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
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
function headersFor(csp: Csp, permissions: Permissions) {
  const options = (tls: boolean): SecureHeadersOptions => ({
    contentSecurityPolicy: csp,
    permissionsPolicy: permissions,
    xFrameOptions: 'DENY',
    strictTransportSecurity: tls ? 'max-age=31536000; includeSubDomains' : false,
    // Hono's other defaults, left off: legacy or no use to a JSON API and two small front ends.
    originAgentCluster: false,
    xDnsPrefetchControl: false,
    xDownloadOptions: false,
    xPermittedCrossDomainPolicies: false,
    xXssProtection: false,
  });
  return { plain: secureHeaders(options(false)), tls: secureHeaders(options(true)) };
}

const api = headersFor(apiCsp, noDevices);
const pwa = headersFor(pwaCsp, { ...noDevices, camera: ['self'] });
const pages = headersFor(pagesCsp, noDevices);

/**
 * Security headers on every answer, errors included, with the policy of the area the path is in:
 * the API (`/api`), the PWA (`/app`) or the BMS pages (everything else).
 *
 * @example app.use('*', areaSecureHeaders());
 */
export function areaSecureHeaders(): MiddlewareHandler {
  return (c, next) => {
    const path = c.req.path;
    const area =
      path.startsWith('/api/') || path === '/api'
        ? api
        : path.startsWith('/app/') || path === '/app'
          ? pwa
          : pages;
    // node-server and app.request both give an absolute URL with a lower-case scheme.
    return (c.req.url.startsWith('https:') ? area.tls : area.plain)(c, next);
  };
}
