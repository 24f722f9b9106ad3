import type { MiddlewareHandler } from 'hono';
import { ErrorCode } from '../../sdk/client/error-codes.ts';
import { ApiError } from './api-error.ts';

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

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
    const url = new URL(c.req.url);
    const own = new Set([url.origin, ...allowed]);
    if (trustProxy) {
      const proto = c.req.header('x-forwarded-proto');
      const host = c.req.header('x-forwarded-host') ?? c.req.header('host');
      if (proto && host) own.add(`${proto}://${host}`);
    }
    const ok =
      origin !== undefined
        ? own.has(origin)
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
