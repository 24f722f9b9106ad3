import { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../http/app-env.ts';
import type { Deps } from '../services/deps.ts';
import { adminRoutes } from './admin-routes.ts';
import { adminSsoRoutes } from './admin-sso-routes.ts';
import { authRoutes } from './auth-routes.ts';
import { healthRoutes } from './health-routes.ts';
import { meRoutes } from './me-routes.ts';
import { ssoRoutes } from './sso-routes.ts';

/** Every API route, each with its own guards (see guards.ts); mounted at `API_BASE`. */
export function apiRoutes(deps: Deps) {
  const api = new OpenAPIHono<AppEnv>();
  api.route('/', authRoutes(deps));
  api.route('/', meRoutes(deps));
  api.route('/', adminRoutes(deps));
  api.route('/', adminSsoRoutes(deps));
  api.route('/', ssoRoutes(deps));
  api.route('/', healthRoutes(deps));
  return api;
}
