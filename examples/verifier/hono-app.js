// @ts-check
// The same login as server.js on Hono: `secondFactor` from `mfa-companion/verifier/hono` is the
// second step, checking `{ code }` against the user of the pending-login cookie and letting the
// request reach the handler (which starts the session) only when the verifier accepts it.
//
//   MFA_ENCRYPTION_KEY=… DATABASE=verifier-example.db PORT=3000 node verifier/hono-app.js
//
// Routes and answers as in server.js.
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { VerifierError } from 'mfa-companion/verifier';
import { secondFactor } from 'mfa-companion/verifier/hono';
import {
  checkPassword,
  PENDING_COOKIE,
  pending,
  SESSION_COOKIE,
  session,
  userById,
} from './accounts.js';
import { openVerifier, STATUS_OF } from './open-verifier.js';

const port = Number(process.env.PORT ?? 3000);
const { verifier, where } = await openVerifier();

/** @type {import('hono/utils/cookie').CookieOptions} */
const COOKIE = { httpOnly: true, sameSite: 'Lax', path: '/' };

const app = new Hono();

/** @param {import('hono').Context} c @param {string} userId @param {object} extra */
function signedIn(c, userId, extra) {
  deleteCookie(c, PENDING_COOKIE, COOKIE);
  setCookie(c, SESSION_COOKIE, session.start(userId), COOKIE);
  return c.json({ step: 'signed-in', user: { username: userById(userId)?.username }, ...extra });
}

/** The signed-in user's id, or null. @param {import('hono').Context} c */
const sessionUser = (c) => session.userId(getCookie(c, SESSION_COOKIE));

const notSignedIn = (/** @type {import('hono').Context} */ c) =>
  c.json({ error: { code: 'NOT_SIGNED_IN', message: 'Sign in first.' } }, 401);

app.post('/login', async (c) => {
  const body = await c.req.json().catch(() => ({}));
  const user = checkPassword(body?.username, body?.password);
  if (!user) {
    return c.json(
      { error: { code: 'INVALID_CREDENTIALS', message: 'Wrong username or password.' } },
      401,
    );
  }
  if ((await verifier.status(user.id)).state !== 'enabled') return signedIn(c, user.id, {});
  setCookie(c, PENDING_COOKIE, pending.start(user.id), COOKIE);
  return c.json({ step: 'code' });
});

app.post(
  '/login/code',
  secondFactor(verifier, { userId: (c) => pending.userId(getCookie(c, PENDING_COOKIE)) }),
  (c) => {
    const { userId, usedRecoveryCode, recoveryCodesLeft } = c.get('secondFactor');
    pending.end(getCookie(c, PENDING_COOKIE));
    return signedIn(c, userId, { usedRecoveryCode, recoveryCodesLeft });
  },
);

app.post('/logout', (c) => {
  session.end(getCookie(c, SESSION_COOKIE));
  deleteCookie(c, SESSION_COOKIE, COOKIE);
  return c.json({ signedOut: true });
});

app.get('/mfa/status', async (c) => {
  const userId = sessionUser(c);
  return userId ? c.json(await verifier.status(userId)) : notSignedIn(c);
});

app.post('/mfa/enrol', async (c) => {
  const user = userById(sessionUser(c) ?? '');
  if (!user) return notSignedIn(c);
  const { uri, qrSvg, expiresAt } = await verifier.enrol(user.id, {
    issuer: 'Verifier Example',
    account: user.username,
  });
  return c.json({ uri, qrSvg, expiresAt });
});

app.post('/mfa/confirm', async (c) => {
  const userId = sessionUser(c);
  if (!userId) return notSignedIn(c);
  const body = await c.req.json().catch(() => ({}));
  if (typeof body?.code !== 'string') {
    return c.json({ error: { code: 'INVALID_REQUEST', message: 'Send { "code": "…" }.' } }, 400);
  }
  return c.json(await verifier.confirm(userId, body.code));
});

app.onError((error, c) => {
  if (error instanceof VerifierError) {
    if (error.retryAfter !== undefined)
      c.header('Retry-After', String(Math.ceil(error.retryAfter / 1000)));
    return c.json({ error: { code: error.code, message: error.message } }, STATUS_OF[error.code]);
  }
  // Never the error's text to the client: it may name the database.
  console.error(error);
  return c.json({ error: { code: 'INTERNAL', message: 'Something went wrong.' } }, 500);
});

const server = serve({ fetch: app.fetch, port, hostname: '127.0.0.1' }, (info) => {
  console.log(`verifier hono example listening on http://127.0.0.1:${info.port}, ${where}`);
});
process.on('SIGTERM', () => server.close(() => verifier.close()));
