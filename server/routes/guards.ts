import { createRoute, type RouteConfig } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import { ErrorCode } from '../../sdk/client/error-codes.ts';
import { AppError } from '../errors.ts';
import type { AppEnv } from '../http/app-env.ts';
import type { Deps } from '../services/deps.ts';
import { resumeSession } from '../services/sessions.ts';
import { readSessionToken } from './cookies.ts';

/** Where the API is mounted; rate limits are named by the full path. */
export const API_BASE = '/api';

/**
 * Who may call a route: `anyone` (no session looked up), `session` (the session is loaded when
 * there is one), `signed-in` (401 without one), `admin` (and 403 for non-admins).
 */
export type Access = 'anyone' | 'session' | 'signed-in' | 'admin';

export interface Guard {
  access: Access;
  /** A per-address rate limit on this route (every login step and every route checking a code). */
  rateLimited?: boolean;
}

/** The OpenAPI extension that marks a rate-limited operation in /api/openapi.json. */
export const RATE_LIMIT_EXTENSION = 'x-rate-limit';

/**
 * Loads the session behind the cookie into `c.var.auth`; with `required`, answers 401
 * `UNAUTHENTICATED` when there is none, and with `admin` 403 `FORBIDDEN` for non-admins.
 *
 * @example app.use('*', session(deps));
 */
export function session(
  deps: Deps,
  { required = false, admin = false }: { required?: boolean; admin?: boolean } = {},
): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const token = readSessionToken(c);
    const auth = token ? await resumeSession(deps, token) : null;
    c.set('auth', auth ?? undefined);
    if (required && !auth) throw new AppError(ErrorCode.UNAUTHENTICATED, 'Log in first.');
    if (admin && auth?.user.role !== 'admin') {
      throw new AppError(ErrorCode.FORBIDDEN, 'Only administrators may do this.');
    }
    await next();
  };
}

/**
 * A named per-address rate limit (counted by the store: shared by every instance on PostgreSQL):
 * RATE_LIMIT_PER_MINUTE requests a minute per address, then 429 `RATE_LIMITED` with `Retry-After`.
 */
function rateLimit(deps: Deps, name: string, windowMs = 60_000): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const { allowed, retryAfterMs } = await deps.store.hitRateLimit(
      `${name}|${c.get('ip')}`,
      deps.clock.now(),
      { limit: deps.config.rateLimitPerMinute, windowMs },
    );
    if (!allowed) {
      throw new AppError(ErrorCode.RATE_LIMITED, 'Too many requests: slow down.', retryAfterMs);
    }
    await next();
  };
}

/**
 * How every API route is defined: `createRoute` with its guards as the route's own middleware
 * (rate limit first, then the session), so they run for exactly that method and path, before
 * the request is validated, and a rate-limited route says so in the OpenAPI document.
 *
 * @example
 * const route = routeDefiner(deps);
 * const me = route({ method: 'get', path: '/me', responses }, { access: 'signed-in' });
 */
export function routeDefiner(deps: Deps) {
  const sessions: Record<Access, MiddlewareHandler<AppEnv> | null> = {
    anyone: null,
    session: session(deps),
    'signed-in': session(deps, { required: true }),
    admin: session(deps, { required: true, admin: true }),
  };
  return <P extends string, R extends Omit<RouteConfig, 'path'> & { path: P }>(
    config: R,
    { access, rateLimited = false }: Guard,
  ) => {
    const middleware: MiddlewareHandler<AppEnv>[] = [];
    if (rateLimited) middleware.push(rateLimit(deps, `${API_BASE}${config.path}`));
    const loadSession = sessions[access];
    if (loadSession) middleware.push(loadSession);
    return createRoute({
      ...config,
      middleware,
      ...(rateLimited
        ? { [RATE_LIMIT_EXTENSION]: 'RATE_LIMIT_PER_MINUTE requests a minute per client address' }
        : {}),
    }) as R & { middleware: MiddlewareHandler<AppEnv>[] };
  };
}
