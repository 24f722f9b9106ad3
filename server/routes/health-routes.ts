import { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../http/app-env.ts';
import type { Deps } from '../services/deps.ts';
import { routeDefiner } from './guards.ts';
import * as s from './schemas.ts';

/** `GET /api/health`. */
export function healthRoutes(deps: Deps) {
  const route = routeDefiner(deps);
  const health = route(
    {
      method: 'get',
      path: '/health',
      tags: ['meta'],
      summary: 'Liveness and which store is in use',
      responses: s.ok(s.Health, 'the server answers'),
    },
    { access: 'anyone' },
  );

  const app = new OpenAPIHono<AppEnv>();
  app.openapi(health, (c) => c.json({ ok: true as const, store: deps.store.kind }, 200));
  return app;
}
