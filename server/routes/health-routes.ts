import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../http/app-env.ts';
import type { Deps } from '../services/deps.ts';
import * as s from './schemas.ts';

const health = createRoute({
  method: 'get',
  path: '/health',
  tags: ['meta'],
  summary: 'Liveness and which store is in use',
  responses: s.ok(s.Health, 'the server answers'),
});

/** `GET /api/health`. */
export function healthRoutes(deps: Deps) {
  const app = new OpenAPIHono<AppEnv>();
  app.openapi(health, (c) => c.json({ ok: true as const, store: deps.store.kind }, 200));
  return app;
}
