// @ts-check
// The example's stand-in for an application's own accounts: two users with passwords and two
// kinds of in-memory tokens (a pending login between the password and the code, and a session).
// A real application has its user table, its password hashing and its session store; the
// verifier only ever sees the user's id (`user.id`), never the password or the session.
import { randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';

/** @typedef {{ id: string, username: string, salt: Buffer, hash: Buffer }} User */

const hashOf = (/** @type {string} */ password, /** @type {Buffer} */ salt) =>
  scryptSync(password, salt, 32);

/** Demo users (in memory, gone on restart): `ada@example.test` / `ada-password`, and Grace. */
const users = [
  { id: 'user-1', username: 'ada@example.test', password: 'ada-password' },
  { id: 'user-2', username: 'grace@example.test', password: 'grace-password' },
].map(({ id, username, password }) => {
  const salt = randomBytes(16);
  return /** @type {User} */ ({ id, username, salt, hash: hashOf(password, salt) });
});

/**
 * The user these credentials sign in, or null.
 * @param {unknown} username @param {unknown} password @returns {User | null}
 */
export function checkPassword(username, password) {
  if (typeof username !== 'string' || typeof password !== 'string') return null;
  const user = users.find((u) => u.username === username);
  // An unknown name costs the same hash as a known one.
  const hash = hashOf(password, user?.salt ?? Buffer.alloc(16));
  return user && timingSafeEqual(hash, user.hash) ? user : null;
}

/** @param {string} id */
export const userById = (id) => users.find((u) => u.id === id) ?? null;

/** The cookie of a password accepted for a user whose second factor is on, and its lifetime. */
export const PENDING_COOKIE = 'pending_login';
const PENDING_MS = 5 * 60_000;
/** The cookie of a signed-in session. */
export const SESSION_COOKIE = 'session';
const SESSION_MS = 8 * 3600_000;

/** @typedef {{ userId: string, expiresAt: number }} Token */
/** @type {Map<string, Token>} */
const pendingLogins = new Map();
/** @type {Map<string, Token>} */
const sessions = new Map();

/** @param {Map<string, Token>} tokens @param {string} userId @param {number} ms */
function issue(tokens, userId, ms) {
  const token = randomBytes(24).toString('base64url');
  tokens.set(token, { userId, expiresAt: Date.now() + ms });
  return token;
}

/** @param {Map<string, Token>} tokens @param {string | undefined} token */
function holder(tokens, token) {
  const entry = token === undefined ? undefined : tokens.get(token);
  if (!entry) return null;
  if (entry.expiresAt > Date.now()) return entry.userId;
  tokens.delete(/** @type {string} */ (token));
  return null;
}

export const pending = {
  /** @param {string} userId */
  start: (userId) => issue(pendingLogins, userId, PENDING_MS),
  /** @param {string | undefined} token */
  userId: (token) => holder(pendingLogins, token),
  /** @param {string | undefined} token */
  end: (token) => token !== undefined && pendingLogins.delete(token),
};

export const session = {
  /** @param {string} userId */
  start: (userId) => issue(sessions, userId, SESSION_MS),
  /** @param {string | undefined} token */
  userId: (token) => holder(sessions, token),
  /** @param {string | undefined} token */
  end: (token) => token !== undefined && sessions.delete(token),
};

/** Cookie attributes for both tokens (add `Secure` when served over HTTPS, as it should be). */
export const COOKIE_ATTRIBUTES = 'HttpOnly; SameSite=Lax; Path=/';
