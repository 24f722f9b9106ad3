import type { Context, MiddlewareHandler } from 'hono';
import { ErrorCode } from '../../sdk/client/error-codes.ts';
import { AppError } from '../errors.ts';

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The origin a `Referer` names ('null' for one that is not a URL, which matches nothing). */
function refererOrigin(referer: string | undefined): string | undefined {
  if (referer === undefined) return undefined;
  try {
    return new URL(referer).origin;
  } catch {
    return 'null';
  }
}

/**
 * True when a browser sent this state-changing request from another site: `Sec-Fetch-Site`
 * other than same-origin (or none, typed by the user), or an `Origin` — else the origin of the
 * `Referer` — that is not this server's or one listed in PUBLIC_ORIGIN. Requests with none of
 * these headers come from non-browser clients, which cannot be driven by another site, and pass.
 */
function crossSite(c: Context, trustProxy: number, allowed: string[]): boolean {
  if (safeMethods.has(c.req.method)) return false;
  const site = c.req.header('sec-fetch-site');
  if (site !== undefined && site !== 'same-origin' && site !== 'none') return true;
  // Without Origin a browser may still send Referer: its origin is held to the same rule.
  const origin = c.req.header('origin') ?? refererOrigin(c.req.header('referer'));
  if (origin === undefined) return false;
  if (origin === new URL(c.req.url).origin || allowed.includes(origin)) return false;
  if (trustProxy > 0) {
    const proto = c.req.header('x-forwarded-proto');
    const host = c.req.header('x-forwarded-host') ?? c.req.header('host');
    if (proto && host && origin === `${proto}://${host}`) return false;
  }
  return true;
}

/**
 * CSRF protection for cookie-authenticated JSON (see {@link crossSite}): 403 `CSRF_FAILED`.
 * `exempt` paths are meant to be posted from another site and authenticate by what they are
 * sent, never by the cookie: the SAML assertion consumer service, which the IdP's page posts to
 * and which accepts only a response signed by the configured IdP that answers a request this
 * server made (services/sso-login.ts).
 *
 * @example app.use('/api/*', sameOriginOnly({ trustProxy: 0, allowed: [], exempt: [SAML_PATHS.acs] }));
 */
export function sameOriginOnly({
  trustProxy = 0,
  allowed = [] as string[],
  exempt = [] as readonly string[],
}: {
  /** Proxies in front of the server (TRUST_PROXY); 0 ignores X-Forwarded-* headers. */
  trustProxy?: number;
  allowed?: string[];
  /** Exact paths the check skips. */
  exempt?: readonly string[];
} = {}): MiddlewareHandler {
  return async (c, next) => {
    if (!exempt.includes(c.req.path) && crossSite(c, trustProxy, allowed)) {
      throw new AppError(
        ErrorCode.CSRF_FAILED,
        'Cross-site request refused: the Origin is not this server.',
      );
    }
    return next();
  };
}
