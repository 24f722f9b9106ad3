import { OpenAPIHono } from '@hono/zod-openapi';
import { type AppEnv, actorOf, authOf } from '../http/app-env.ts';
import {
  batchDisableMfa,
  countListedUsers,
  policyImpact,
  resetUserMfa,
  updatePolicy,
} from '../services/admin.ts';
import type { Deps } from '../services/deps.ts';
import { routeDefiner } from './guards.ts';
import * as s from './schemas.ts';

const tags = ['admin'];
const denied = s.errors(401, 403);

/** Admin > My Company > Auth and Provision, HR > Employees, CRM > Contacts, and the audit log. */
export function adminRoutes(deps: Deps) {
  const route = routeDefiner(deps);
  const getPolicy = route(
    {
      method: 'get',
      path: '/admin/policy',
      tags,
      summary: 'The company MFA policy',
      responses: { ...s.ok(s.PolicyBody, 'the policy'), ...denied },
    },
    { access: 'admin' },
  );
  const putPolicy = route(
    {
      method: 'put',
      path: '/admin/policy',
      tags,
      summary: 'Change the policy; turning it on ends affected sessions',
      request: s.json(s.PolicyBody),
      responses: { ...s.ok(s.PolicyAnswer, 'the policy'), ...s.errors(400, 401, 403) },
    },
    { access: 'admin' },
  );
  const getImpact = route(
    {
      method: 'get',
      path: '/admin/policy/impact',
      tags,
      summary: 'How many people turning the policy on would affect',
      responses: { ...s.ok(s.PolicyImpact, 'the count'), ...denied },
    },
    { access: 'admin' },
  );
  const listUsers = route(
    {
      method: 'get',
      path: '/admin/users',
      tags,
      summary: 'Employees and contacts with their MFA column',
      request: { query: s.UsersQuery },
      responses: { ...s.ok(s.UserList, 'a page of users'), ...s.errors(400, 401, 403) },
    },
    { access: 'admin' },
  );
  const countUsers = route(
    {
      method: 'get',
      path: '/admin/users/count',
      tags,
      summary: 'How many users a listing matches, counted up to 10 000',
      request: { query: s.UserCountQuery },
      responses: { ...s.ok(s.UserCount, 'a capped count'), ...s.errors(400, 401, 403) },
    },
    { access: 'admin' },
  );
  const reset = route(
    {
      method: 'post',
      path: '/admin/users/{id}/mfa/reset',
      tags,
      summary: 'Reset MFA: set-up again at the next login',
      request: { params: s.UserIdParam },
      responses: { 204: { description: 'reset' }, ...s.errors(400, 401, 403, 404) },
    },
    { access: 'admin' },
  );
  const batch = route(
    {
      method: 'post',
      path: '/admin/users/mfa/disable',
      tags,
      summary: 'Disable MFA for many users at once',
      request: s.json(s.BatchBody),
      responses: { ...s.ok(s.BatchAnswer, 'per-item result'), ...s.errors(400, 401, 403) },
    },
    { access: 'admin' },
  );
  const auditLog = route(
    {
      method: 'get',
      path: '/admin/audit',
      tags,
      summary: 'Audit events, newest first, filtered by actor, action and time',
      request: { query: s.AuditQuery },
      responses: { ...s.ok(s.AuditList, 'a page of events'), ...s.errors(400, 401, 403) },
    },
    { access: 'admin' },
  );

  const app = new OpenAPIHono<AppEnv>();

  app.openapi(getPolicy, async (c) => c.json(await deps.store.getPolicy(), 200));

  app.openapi(putPolicy, async (c) => {
    const { user, session } = authOf(c);
    return c.json(await updatePolicy(deps, user, c.req.valid('json'), actorOf(c), session.id), 200);
  });

  app.openapi(getImpact, async (c) => c.json(await policyImpact(deps), 200));

  app.openapi(listUsers, async (c) =>
    c.json(await deps.store.listUsers(c.req.valid('query')), 200),
  );

  app.openapi(countUsers, async (c) =>
    c.json(await countListedUsers(deps, c.req.valid('query')), 200),
  );

  app.openapi(reset, async (c) => {
    await resetUserMfa(deps, c.req.valid('param').id, actorOf(c), authOf(c).session.id);
    return c.body(null, 204);
  });

  app.openapi(batch, async (c) => {
    const result = await batchDisableMfa(
      deps,
      c.req.valid('json').userIds,
      actorOf(c),
      authOf(c).session.id,
    );
    return c.json(result, 200);
  });

  app.openapi(auditLog, async (c) => {
    const page = await deps.store.listAudit(c.req.valid('query'));
    const events = page.events.map(({ id: _id, at, ...rest }) => ({
      at: new Date(at).toISOString(),
      ...rest,
    }));
    return c.json({ events, nextCursor: page.nextCursor }, 200);
  });

  return app;
}
