import type { MiddlewareHandler } from 'hono';
import { ErrorCode } from '../../sdk/client/error-codes.ts';
import { ApiError } from './api-error.ts';

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

/** What the CSRF check reads of a request (from Hono's context or a Node request). */
export interface OriginHeaders {
  method: string;
  origin: string | undefined;
  secFetchSite: string | undefined;
  /** The request's own origin (scheme and host it reached), computed only when needed. */
  ownOrigin: () => string;
  forwardedProto: string | undefined;
  forwardedHost: string | undefined;
  host: string | undefined;
}

/**
 * True when a browser sent this state-changing request from another site: it carries `Origin`
 * (and `Sec-Fetch-Site`), which must be this server's origin or one listed in PUBLIC_ORIGIN.
 * Requests without either header come from non-browser clients, which cannot be driven by
 * another site, and pass.
 */
export function crossSite(
  r: OriginHeaders,
  { trustProxy, allowed }: { trustProxy: boolean; allowed: string[] },
): boolean {
  if (safeMethods.has(r.method)) return false;
  if (r.origin === undefined) {
    return !(
      r.secFetchSite === undefined ||
      r.secFetchSite === 'same-origin' ||
      r.secFetchSite === 'none'
    );
  }
  if (r.origin === r.ownOrigin() || allowed.includes(r.origin)) return false;
  if (trustProxy) {
    const host = r.forwardedHost ?? r.host;
    if (r.forwardedProto && host && r.origin === `${r.forwardedProto}://${host}`) return false;
  }
  return true;
}

/**
 * CSRF protection for cookie-authenticated JSON (see {@link crossSite}): 403 `CSRF_FAILED`.
 *
 * @example app.use('/api/*', sameOriginOnly({ trustProxy: false, allowed: [] }));
 */
export function sameOriginOnly({
  trustProxy = false,
  allowed = [] as string[],
}: {
  trustProxy?: boolean;
  allowed?: string[];
} = {}): MiddlewareHandler {
  return async (c, next) => {
    const refused = crossSite(
      {
        method: c.req.method,
        origin: c.req.header('origin'),
        secFetchSite: c.req.header('sec-fetch-site'),
        ownOrigin: () => new URL(c.req.url).origin,
        forwardedProto: c.req.header('x-forwarded-proto'),
        forwardedHost: c.req.header('x-forwarded-host'),
        host: c.req.header('host'),
      },
      { trustProxy, allowed },
    );
    if (refused) {
      throw new ApiError(
        403,
        ErrorCode.CSRF_FAILED,
        'Cross-site request refused: the Origin is not this server.',
      );
    }
    return next();
  };
}
