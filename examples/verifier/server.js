// @ts-check
// A login with a second step, on plain `node:http`, with `mfa-companion/verifier` embedded: the
// application keeps its users and sessions (accounts.js, in memory here), the verifier keeps
// each user's TOTP factor, recovery codes and lockout in its own tables, in SQLite or PostgreSQL.
//
//   MFA_ENCRYPTION_KEY=$(node -e "console.log(crypto.randomBytes(32).toString('base64'))") \
//   DATABASE=verifier-example.db PORT=3000 node verifier/server.js
//
//   POST /login        { username, password } → { step: 'code' } + pending-login cookie,
//                                              or { step: 'signed-in' } + session (no MFA yet)
//   POST /login/code   { code }               → { step: 'signed-in', usedRecoveryCode, … }
//   POST /logout
//   GET  /mfa/status                          → { state: 'none' | 'pending' | 'enabled', … }
//   POST /mfa/enrol                           → { uri, qrSvg, expiresAt } (signed in)
//   POST /mfa/confirm  { code }               → { recoveryCodes } (signed in)
//
// Refusals are `{ error: { code, message } }` with the codes of `mfa-companion/verifier/hono`.
import { createServer } from 'node:http';
import { VerifierError } from 'mfa-companion/verifier';
import {
  COOKIE_ATTRIBUTES,
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

/** An answer: status, JSON body, extra headers. */
class Reply {
  /** @param {number} status @param {unknown} body @param {Record<string, string | string[]>} [headers] */
  constructor(status, body, headers = {}) {
    this.status = status;
    this.body = body;
    this.headers = headers;
  }
}
/** @param {number} status @param {string} code @param {string} message @param {Record<string, string>} [headers] */
const refuse = (status, code, message, headers) =>
  new Reply(status, { error: { code, message } }, headers);
/** @param {string} name @param {string} value @param {number} [maxAge] */
const cookie = (name, value, maxAge) =>
  `${name}=${value}; ${COOKIE_ATTRIBUTES}${maxAge === undefined ? '' : `; Max-Age=${maxAge}`}`;

/**
 * @typedef {{ body: Record<string, unknown>, cookies: Map<string, string> }} Request
 * @type {Record<string, (req: Request) => Promise<Reply>>}
 */
const routes = {
  // The first step: the password. A user with MFA on gets only a pending login.
  async 'POST /login'({ body }) {
    const user = checkPassword(body.username, body.password);
    if (!user) return refuse(401, 'INVALID_CREDENTIALS', 'Wrong username or password.');
    const { state } = await verifier.status(user.id);
    if (state === 'enabled') {
      return new Reply(
        200,
        { step: 'code' },
        { 'set-cookie': cookie(PENDING_COOKIE, pending.start(user.id)) },
      );
    }
    return signedIn(user.id, {});
  },

  // The second step: a code from the authenticator app, or a recovery code.
  async 'POST /login/code'({ body, cookies }) {
    const token = cookies.get(PENDING_COOKIE);
    const userId = pending.userId(token);
    if (!userId) return refuse(401, 'LOGIN_REQUIRED', 'Sign in with your password first.');
    if (typeof body.code !== 'string')
      return refuse(400, 'INVALID_REQUEST', 'Send { "code": "…" }.');
    const result = await verifier.verify(userId, body.code);
    if (result.ok) {
      pending.end(token);
      return signedIn(userId, {
        usedRecoveryCode: result.usedRecoveryCode,
        recoveryCodesLeft: result.recoveryCodesLeft,
      });
    }
    if (result.reason === 'locked') {
      const retryAfter = String(Math.ceil((result.retryAfter ?? 1000) / 1000));
      return refuse(429, 'MFA_LOCKED', 'Too many wrong codes: try again later.', {
        'retry-after': retryAfter,
      });
    }
    if (result.reason === 'replayed') {
      return refuse(401, 'CODE_ALREADY_USED', 'This code was already used: wait for the next one.');
    }
    return refuse(401, 'INVALID_CODE', 'The code is not valid.');
  },

  async 'POST /logout'({ cookies }) {
    session.end(cookies.get(SESSION_COOKIE));
    return new Reply(200, { signedOut: true }, { 'set-cookie': cookie(SESSION_COOKIE, '', 0) });
  },

  async 'GET /mfa/status'({ cookies }) {
    const userId = session.userId(cookies.get(SESSION_COOKIE));
    if (!userId) return notSignedIn();
    return new Reply(200, await verifier.status(userId));
  },

  // Shows the QR once; the factor is on only after /mfa/confirm with a code from it.
  async 'POST /mfa/enrol'({ cookies }) {
    const user = userById(session.userId(cookies.get(SESSION_COOKIE)) ?? '');
    if (!user) return notSignedIn();
    const { uri, qrSvg, expiresAt } = await verifier.enrol(user.id, {
      issuer: 'Verifier Example',
      account: user.username,
    });
    return new Reply(200, { uri, qrSvg, expiresAt });
  },

  async 'POST /mfa/confirm'({ body, cookies }) {
    const userId = session.userId(cookies.get(SESSION_COOKIE));
    if (!userId) return notSignedIn();
    if (typeof body.code !== 'string')
      return refuse(400, 'INVALID_REQUEST', 'Send { "code": "…" }.');
    // The recovery codes are shown to the user this once; the verifier keeps only their hashes.
    return new Reply(200, await verifier.confirm(userId, body.code));
  },
};

/** @param {string} userId @param {object} extra */
function signedIn(userId, extra) {
  const user = userById(userId);
  return new Reply(
    200,
    { step: 'signed-in', user: { username: user?.username }, ...extra },
    {
      'set-cookie': [cookie(SESSION_COOKIE, session.start(userId)), cookie(PENDING_COOKIE, '', 0)],
    },
  );
}

const notSignedIn = () => refuse(401, 'NOT_SIGNED_IN', 'Sign in first.');

/** @param {string | undefined} header */
function parseCookies(header) {
  const cookies = new Map();
  for (const part of (header ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at > 0) cookies.set(part.slice(0, at).trim(), part.slice(at + 1).trim());
  }
  return cookies;
}

/** @param {import('node:http').IncomingMessage} req */
async function readJson(req) {
  let text = '';
  for await (const chunk of req) {
    text += chunk;
    if (text.length > 10_000) return null;
  }
  try {
    const body = JSON.parse(text || '{}');
    return body && typeof body === 'object' ? body : null;
  } catch {
    return null;
  }
}

const server = createServer(async (req, res) => {
  const route = routes[`${req.method} ${req.url}`];
  let answer;
  try {
    const body = await readJson(req);
    if (!route) answer = refuse(404, 'NOT_FOUND', 'No such route.');
    else if (!body) answer = refuse(400, 'INVALID_REQUEST', 'Send a JSON object.');
    else answer = await route({ body, cookies: parseCookies(req.headers.cookie) });
  } catch (error) {
    if (error instanceof VerifierError) {
      const headers =
        error.retryAfter === undefined
          ? undefined
          : { 'retry-after': String(Math.ceil(error.retryAfter / 1000)) };
      answer = refuse(STATUS_OF[error.code] ?? 500, error.code, error.message, headers);
    } else {
      // Never the error's text to the client: it may name the database.
      console.error(error);
      answer = refuse(500, 'INTERNAL', 'Something went wrong.');
    }
  }
  res
    .writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers })
    .end(JSON.stringify(answer.body));
});

server.listen(port, '127.0.0.1', () => {
  const address = server.address();
  const at = typeof address === 'object' && address ? address.port : port;
  console.log(`verifier example listening on http://127.0.0.1:${at}, ${where}`);
});
process.on('SIGTERM', () => server.close(() => verifier.close()));
