import { OpenAPIHono } from '@hono/zod-openapi';
import { type AppEnv, actorOf, authOf } from '../http/app-env.ts';
import type { Deps } from '../services/deps.ts';
import { completeEnrolment, startEnrolment } from '../services/enrolment.ts';
import { disableOwnMfa, regenerateRecoveryCodes } from '../services/profile-mfa.ts';
import { finishReplacement, startReplacement } from '../services/replace-authenticator.ts';
import { userView } from '../services/user-view.ts';
import { routeDefiner } from './guards.ts';
import * as s from './schemas.ts';

const tags = ['profile'];

/** The signed-in user's profile and their MFA (My Profile > Enable MFA). */
export function meRoutes(deps: Deps) {
  const route = routeDefiner(deps);
  const me = route(
    {
      method: 'get',
      path: '/me',
      tags,
      summary: 'The signed-in user',
      responses: { ...s.ok(s.MeAnswer, 'the user'), ...s.errors(401) },
    },
    { access: 'signed-in' },
  );
  const setup = route(
    {
      method: 'post',
      path: '/me/mfa/setup',
      tags,
      summary: 'Start enabling MFA: a new secret, pending for 10 minutes',
      responses: {
        ...s.ok(s.SetupKey, 'the new secret, shown once'),
        ...s.errors(401, 403, 409, 429),
      },
    },
    { access: 'signed-in', rateLimited: true },
  );
  const enable = route(
    {
      method: 'post',
      path: '/me/mfa/enable',
      tags,
      summary: 'Enable MFA with a first code; other sessions end',
      request: s.json(s.CodeBody),
      responses: {
        ...s.ok(s.RecoveryCodes, 'recovery codes, shown once'),
        ...s.errors(400, 401, 403, 409, 429),
      },
    },
    { access: 'signed-in', rateLimited: true },
  );
  const regenerate = route(
    {
      method: 'post',
      path: '/me/mfa/recovery-codes',
      tags,
      summary: 'Replace the recovery codes; other sessions end',
      request: s.json(s.CodeBody),
      responses: {
        ...s.ok(s.RecoveryCodes, 'new recovery codes, shown once'),
        ...s.errors(400, 401, 403, 409, 429),
      },
    },
    { access: 'signed-in', rateLimited: true },
  );
  const disable = route(
    {
      method: 'post',
      path: '/me/mfa/disable',
      tags,
      summary: 'Disable MFA with a current code; other sessions end',
      request: s.json(s.CodeBody),
      responses: { 204: { description: 'disabled' }, ...s.errors(400, 401, 403, 409, 429) },
    },
    { access: 'signed-in', rateLimited: true },
  );
  const replace = route(
    {
      method: 'post',
      path: '/me/mfa/replace',
      tags,
      summary:
        'Replace the authenticator (lost phone): password and a current or recovery code give a new key',
      request: s.json(s.ReplaceBody),
      responses: {
        ...s.ok(s.ReplacementKey, 'the new key, shown once; the old one still works'),
        ...s.errors(400, 401, 403, 409, 429),
      },
    },
    { access: 'signed-in', rateLimited: true },
  );
  const replaceVerify = route(
    {
      method: 'post',
      path: '/me/mfa/replace/verify',
      tags,
      summary:
        'Finish the replacement with a code of the new key; the old key stops, other sessions end',
      request: s.json(s.ReplaceVerifyBody),
      responses: { 204: { description: 'replaced' }, ...s.errors(400, 401, 403, 409, 429) },
    },
    { access: 'signed-in', rateLimited: true },
  );

  const app = new OpenAPIHono<AppEnv>();

  app.openapi(me, async (c) => c.json({ user: await userView(deps, authOf(c).user) }, 200));

  app.openapi(setup, async (c) => {
    c.header('Cache-Control', 'no-store');
    return c.json(await startEnrolment(deps, authOf(c).user), 200);
  });

  app.openapi(enable, async (c) => {
    const { user, session } = authOf(c);
    const recoveryCodes = await completeEnrolment(deps, user, c.req.valid('json').code, actorOf(c));
    await deps.store.endUserSessions(user.id, session.id, 'mfa_changed');
    c.header('Cache-Control', 'no-store');
    return c.json({ recoveryCodes }, 200);
  });

  app.openapi(regenerate, async (c) => {
    const { user, session } = authOf(c);
    const recoveryCodes = await regenerateRecoveryCodes(
      deps,
      user,
      c.req.valid('json').code,
      actorOf(c),
      session.id,
    );
    c.header('Cache-Control', 'no-store');
    return c.json({ recoveryCodes }, 200);
  });

  app.openapi(replace, async (c) => {
    const { password, code } = c.req.valid('json');
    const key = await startReplacement(deps, authOf(c).user, password, code, actorOf(c));
    c.header('Cache-Control', 'no-store');
    return c.json(key, 200);
  });

  app.openapi(replaceVerify, async (c) => {
    const { user, session } = authOf(c);
    const { replacementToken, code } = c.req.valid('json');
    await finishReplacement(deps, user, replacementToken, code, actorOf(c), session.id);
    return c.body(null, 204);
  });

  app.openapi(disable, async (c) => {
    const { user, session } = authOf(c);
    await disableOwnMfa(deps, user, c.req.valid('json').code, actorOf(c), session.id);
    return c.body(null, 204);
  });

  return app;
}
