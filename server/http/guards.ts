import type { MiddlewareHandler } from 'hono';
import { ErrorCode } from '../../sdk/client/error-codes.ts';
import type { Deps } from '../services/deps.ts';
import { resumeSession } from '../services/sessions.ts';
import { ApiError, tooMany } from './api-error.ts';
import type { AppEnv } from './app-env.ts';
import { readSessionToken } from './cookies.ts';

/**
 * Loads the session behind the cookie into `c.var.auth`; with `required`, answers 401
 * `UNAUTHENTICATED` when there is none, and with `admin` 403 `FORBIDDEN` for non-admins.
 *
 * @example app.use('/api/admin/*', session(deps, { required: true, admin: true }));
 */
export function session(
  deps: Deps,
  { required = false, admin = false }: { required?: boolean; admin?: boolean } = {},
): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const token = readSessionToken(c);
    const auth = token ? await resumeSession(deps, token) : null;
    c.set('auth', auth ?? undefined);
    if (required && !auth) throw new ApiError(401, ErrorCode.UNAUTHENTICATED, 'Log in first.');
    if (admin && auth?.user.role !== 'admin') {
      throw new ApiError(403, ErrorCode.FORBIDDEN, 'Only administrators may do this.');
    }
    await next();
  };
}

/**
 * A named per-address rate limit (counted by the store: shared by every instance on PostgreSQL): `limit`
 * requests a minute per address on this route, then 429 `RATE_LIMITED` with `Retry-After`.
 *
 * @example app.use('/api/login', rateLimit(deps, { name: 'login' }));
 */
export function rateLimit(
  deps: Deps,
  { name, windowMs = 60_000 }: { name: string; windowMs?: number },
): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (c.req.method === 'OPTIONS' || c.req.method === 'HEAD') return next();
    await hitRateLimit(deps, name, c.get('ip'), windowMs);
    await next();
  };
}

/** Counts one request of `ip` on the named limit; 429 `RATE_LIMITED` past it (see {@link rateLimit}). */
export async function hitRateLimit(
  deps: Deps,
  name: string,
  ip: string,
  windowMs = 60_000,
): Promise<void> {
  const { allowed, retryAfterMs } = await deps.store.hitRateLimit(
    `${name}|${ip}`,
    deps.clock.now(),
    { limit: deps.config.rateLimitPerMinute, windowMs },
  );
  if (!allowed)
    throw tooMany(ErrorCode.RATE_LIMITED, 'Too many requests: slow down.', retryAfterMs);
}
