import type { Context } from 'hono';
import type { Config } from '../config/config.ts';

export const SESSION_COOKIE = 'mfa_session';
export const BINDING_COOKIE = 'mfa_challenge';

const loopback = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);
// One URL parse per request, however many cookies it sets.
const secureByRequest = new WeakMap<Request, boolean>();

/** Secure cookies everywhere but plain-HTTP localhost (COOKIE_SECURE=auto), or as configured. */
export function secureCookies(c: Context, config: Pick<Config, 'cookieSecure'>): boolean {
  if (config.cookieSecure !== 'auto') return config.cookieSecure === 'always';
  let secure = secureByRequest.get(c.req.raw);
  if (secure === undefined) {
    const url = new URL(c.req.url);
    secure = url.protocol === 'https:' || !loopback.has(url.hostname);
    secureByRequest.set(c.req.raw, secure);
  }
  return secure;
}

/**
 * Appends one `Set-Cookie` line. The names are ours and the values base64url tokens, so nothing
 * needs encoding; writing the line directly spares the login routes hono/cookie's option
 * checks and, for a deletion, its parse of the request's cookies (measured on every login).
 */
function putCookie(
  c: Context,
  config: Pick<Config, 'cookieSecure'>,
  name: string,
  value: string,
  attrs: { path: string; maxAge: number; sameSite: 'Lax' | 'Strict' },
): void {
  const secure = secureCookies(c, config) ? '; Secure' : '';
  c.header(
    'Set-Cookie',
    `${name}=${value}; Max-Age=${attrs.maxAge}; Path=${attrs.path}; HttpOnly${secure}; SameSite=${attrs.sameSite}`,
    { append: true },
  );
}

/** Sets the HttpOnly session cookie (Lax, so links into the BMS keep the login). */
export function setSessionCookie(c: Context, config: Config, token: string): void {
  putCookie(c, config, SESSION_COOKIE, token, {
    path: '/',
    maxAge: Math.floor(config.sessionAbsoluteMs / 1000),
    sameSite: 'Lax',
  });
}

export function clearSessionCookie(c: Context, config: Config): void {
  putCookie(c, config, SESSION_COOKIE, '', { path: '/', maxAge: 0, sameSite: 'Lax' });
}

/** The challenge-binding cookie: only this client may answer the challenge it started. */
export function setBindingCookie(c: Context, config: Config, token: string): void {
  putCookie(c, config, BINDING_COOKIE, token, {
    path: '/api/login',
    maxAge: Math.floor(config.limits.challengeTtlMs / 1000),
    sameSite: 'Strict',
  });
}

export function clearBindingCookie(c: Context, config: Config): void {
  putCookie(c, config, BINDING_COOKIE, '', { path: '/api/login', maxAge: 0, sameSite: 'Strict' });
}

/**
 * The value of one cookie of the request, or undefined. Only our own cookies are read, so the
 * header is scanned for that name instead of being parsed whole.
 */
export function readCookie(c: Context, name: string): string | undefined {
  const header = c.req.header('cookie');
  if (!header) return undefined;
  for (const pair of header.split(';')) {
    const eq = pair.indexOf('=');
    if (eq < 0 || pair.slice(0, eq).trim() !== name) continue;
    let value = pair.slice(eq + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) {
      value = value.slice(1, -1);
    }
    if (value.includes('%')) {
      try {
        value = decodeURIComponent(value);
      } catch {
        return undefined;
      }
    }
    return value || undefined;
  }
  return undefined;
}

export const readSessionToken = (c: Context) => readCookie(c, SESSION_COOKIE);
export const readBindingToken = (c: Context) => readCookie(c, BINDING_COOKIE);
