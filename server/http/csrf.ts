import type { Context, MiddlewareHandler } from 'hono';
import { ErrorCode } from '../../sdk/client/error-codes.ts';
import { ApiError } from './api-error.ts';

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

/** This server's origins as the request reached it, plus the configured public ones. */
function ownOrigins(c: Context, trustProxy: boolean, allowed: string[]): Set<string> {
  const own = new Set([new URL(c.req.url).origin, ...allowed]);
  if (trustProxy) {
    const proto = c.req.header('x-forwarded-proto');
    const host = c.req.header('x-forwarded-host') ?? c.req.header('host');
    if (proto && host) own.add(`${proto}://${host}`);
  }
  return own;
}

/**
 * CSRF protection for cookie-authenticated JSON: a state-changing request that a browser sends
 * carries `Origin` (and `Sec-Fetch-Site`); it must be this server's origin or one listed in
 * PUBLIC_ORIGIN. Requests without either header come from non-browser clients, which cannot be
 * driven by another site, and pass.
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
    if (safeMethods.has(c.req.method)) return next();
    const origin = c.req.header('origin');
    const site = c.req.header('sec-fetch-site');
    const ok =
      origin !== undefined
        ? ownOrigins(c, trustProxy, allowed).has(origin)
        : site === undefined || site === 'same-origin' || site === 'none';
    if (!ok) {
      throw new ApiError(
        403,
        ErrorCode.CSRF_FAILED,
        'Cross-site request refused: the Origin is not this server.',
      );
    }
    return next();
  };
}
