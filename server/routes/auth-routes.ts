import { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { type AppEnv, actorOf } from '../http/app-env.ts';
import { AuditAction, audit } from '../services/audit.ts';
import { codeStep } from '../services/code-login.ts';
import type { Deps } from '../services/deps.ts';
import { completeEnrolment, startEnrolment } from '../services/enrolment.ts';
import {
  beginChallengeAttempt,
  finishChallenge,
  openChallenge,
  passwordLogin,
} from '../services/login.ts';
import { startSession } from '../services/sessions.ts';
import { refuseSsoOnlyPassword } from '../services/sso-login.ts';
import { userView } from '../services/user-view.ts';
import type { UserRecord } from '../store/contract.ts';
import {
  clearBindingCookie,
  clearSessionCookie,
  readBindingToken,
  setBindingCookie,
  setSessionCookie,
} from './cookies.ts';
import { routeDefiner } from './guards.ts';
import * as s from './schemas.ts';

const tags = ['login'];

/** The login flow: password, then a code or the forced MFA set-up; logout. */
export function authRoutes(deps: Deps) {
  const route = routeDefiner(deps);
  const login = route(
    {
      method: 'post',
      path: '/login',
      tags,
      summary: 'Password step of the login',
      request: s.json(s.LoginBody),
      responses: {
        ...s.ok(s.LoginAnswer, 'authenticated, or a challenge for the second factor'),
        ...s.errors(400, 401, 429),
      },
    },
    { access: 'session', rateLimited: true },
  );
  const loginMfa = route(
    {
      method: 'post',
      path: '/login/mfa',
      tags,
      summary: 'Second factor: a TOTP or recovery code',
      request: s.json(s.ChallengeCodeBody),
      responses: { ...s.ok(s.Authenticated, 'authenticated'), ...s.errors(400, 401, 410, 429) },
    },
    { access: 'session', rateLimited: true },
  );
  const loginSetup = route(
    {
      method: 'post',
      path: '/login/mfa/setup',
      tags,
      summary: 'Set-up key for a user who must enable MFA before entering',
      request: s.json(s.ChallengeBody),
      responses: {
        ...s.ok(s.SetupKey, 'the new secret, shown once'),
        ...s.errors(400, 409, 410, 429),
      },
    },
    { access: 'session', rateLimited: true },
  );
  const loginSetupVerify = route(
    {
      method: 'post',
      path: '/login/mfa/setup/verify',
      tags,
      summary: 'Finish the forced set-up with a first code',
      request: s.json(s.ChallengeCodeBody),
      responses: {
        ...s.ok(s.AuthenticatedWithCodes, 'authenticated, with recovery codes shown once'),
        ...s.errors(400, 401, 409, 410, 429),
      },
    },
    { access: 'session', rateLimited: true },
  );
  const logout = route(
    {
      method: 'post',
      path: '/logout',
      tags,
      summary: 'End the session',
      responses: { 204: { description: 'logged out' }, ...s.errors(403) },
    },
    { access: 'session' },
  );

  const app = new OpenAPIHono<AppEnv>();

  const signIn = async (c: Context<AppEnv>, user: UserRecord) => {
    const { token } = await startSession(deps, user, c.get('ip'), c.get('auth')?.session.id);
    setSessionCookie(c, deps.config, token);
    if (readBindingToken(c)) clearBindingCookie(c, deps.config);
    await audit(
      deps,
      { username: user.username, ip: c.get('ip') },
      AuditAction.LOGIN_SUCCEEDED,
      user.username,
    );
    return userView(deps, user);
  };

  app.openapi(login, async (c) => {
    const { username, password } = c.req.valid('json');
    await refuseSsoOnlyPassword(deps, username, password, c.get('ip'));
    const result = await passwordLogin(deps, username, password, c.get('ip'));
    if (result.status === 'authenticated') {
      return c.json({ status: 'authenticated' as const, user: await signIn(c, result.user) }, 200);
    }
    setBindingCookie(c, deps.config, result.bindingToken);
    return c.json({ status: result.status, challengeId: result.challengeToken }, 200);
  });

  app.openapi(loginMfa, async (c) => {
    const { challengeId, code } = c.req.valid('json');
    const { token, answer } = await codeStep(deps, {
      challengeToken: challengeId,
      code,
      bindingToken: readBindingToken(c),
      ip: c.get('ip'),
      previousSessionId: c.get('auth')?.session.id,
    });
    setSessionCookie(c, deps.config, token);
    clearBindingCookie(c, deps.config);
    return c.json(answer, 200);
  });

  app.openapi(loginSetup, async (c) => {
    const { challengeId } = c.req.valid('json');
    const { user } = await openChallenge(deps, challengeId, readBindingToken(c), 'setup');
    c.header('Cache-Control', 'no-store');
    return c.json(await startEnrolment(deps, user), 200);
  });

  app.openapi(loginSetupVerify, async (c) => {
    const { challengeId, code } = c.req.valid('json');
    const { challenge, user } = await openChallenge(
      deps,
      challengeId,
      readBindingToken(c),
      'setup',
    );
    const actor = { username: user.username, ip: c.get('ip') };
    await beginChallengeAttempt(deps, challenge);
    const recoveryCodes = await completeEnrolment(deps, user, code, actor);
    await finishChallenge(deps, challenge);
    await deps.store.endUserSessions(user.id);
    const view = await signIn(c, (await deps.store.getUserById(user.id)) ?? user);
    c.header('Cache-Control', 'no-store');
    return c.json({ status: 'authenticated' as const, user: view, recoveryCodes }, 200);
  });

  app.openapi(logout, async (c) => {
    const auth = c.get('auth');
    if (auth) {
      await deps.store.deleteSession(auth.session.id);
      await audit(deps, actorOf(c), AuditAction.LOGOUT, null);
    }
    clearSessionCookie(c, deps.config);
    return c.body(null, 204);
  });

  return app;
}
