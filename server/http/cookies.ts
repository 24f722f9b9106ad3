import type { Context } from 'hono';
import type { Config } from '../config/config.ts';

export const SESSION_COOKIE = 'mfa_session';
export const BINDING_COOKIE = 'mfa_challenge';

const loopback = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);
// One URL parse per request, however many cookies it sets.
const secureByRequest = new WeakMap<Request, boolean>();

/**
 * Whether cookies get `Secure`: everywhere but plain-HTTP localhost (COOKIE_SECURE=auto), or as
 * configured. `url` is the request's absolute URL.
 */
export function secureFor(config: Pick<Config, 'cookieSecure'>, url: string): boolean {
  if (config.cookieSecure !== 'auto') return config.cookieSecure === 'always';
  const parsed = new URL(url);
  return parsed.protocol === 'https:' || !loopback.has(parsed.hostname);
}

/** {@link secureFor} of a Hono request, parsed once however many cookies it sets. */
export function secureCookies(c: Context, config: Pick<Config, 'cookieSecure'>): boolean {
  if (config.cookieSecure !== 'auto') return config.cookieSecure === 'always';
  let secure = secureByRequest.get(c.req.raw);
  if (secure === undefined) {
    secure = secureFor(config, c.req.url);
    secureByRequest.set(c.req.raw, secure);
  }
  return secure;
}

type CookieAttrs = { path: string; maxAge: number; sameSite: 'Lax' | 'Strict' };

/** One `Set-Cookie` line. The names are ours and the values tokens (base64url and a dot): nothing to encode. */
const cookieLine = (name: string, value: string, attrs: CookieAttrs, secure: boolean) =>
  `${name}=${value}; Max-Age=${attrs.maxAge}; Path=${attrs.path}; HttpOnly${secure ? '; Secure' : ''}; SameSite=${attrs.sameSite}`;

const sessionAttrs = (config: Config): CookieAttrs => ({
  path: '/',
  maxAge: Math.floor(config.sessionAbsoluteMs / 1000),
  sameSite: 'Lax',
});
const clearedBindingAttrs: CookieAttrs = { path: '/api/login', maxAge: 0, sameSite: 'Strict' };

/** The `Set-Cookie` line of a new session (for answers written without Hono). */
export const sessionCookieLine = (config: Config, token: string, secure: boolean) =>
  cookieLine(SESSION_COOKIE, token, sessionAttrs(config), secure);

/** The `Set-Cookie` line that drops the challenge binding (for answers written without Hono). */
export const clearedBindingCookieLine = (secure: boolean) =>
  cookieLine(BINDING_COOKIE, '', clearedBindingAttrs, secure);

/**
 * Appends one `Set-Cookie` line: written directly, which spares the login routes hono/cookie's
 * option checks and, for a deletion, its parse of the request's cookies (measured on every login).
 */
function putCookie(
  c: Context,
  config: Pick<Config, 'cookieSecure'>,
  name: string,
  value: string,
  attrs: CookieAttrs,
): void {
  c.header('Set-Cookie', cookieLine(name, value, attrs, secureCookies(c, config)), {
    append: true,
  });
}

/** Sets the HttpOnly session cookie (Lax, so links into the BMS keep the login). */
export function setSessionCookie(c: Context, config: Config, token: string): void {
  putCookie(c, config, SESSION_COOKIE, token, sessionAttrs(config));
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
  putCookie(c, config, BINDING_COOKIE, '', clearedBindingAttrs);
}

/**
 * The value of one cookie of the request, or undefined. Only our own cookies are read, so the
 * header is scanned for that name instead of being parsed whole.
 */
export function readCookie(c: Context, name: string): string | undefined {
  return cookieFrom(c.req.header('cookie'), name);
}

/** One cookie's value from a `Cookie` header, or undefined (see {@link readCookie}). */
export function cookieFrom(header: string | undefined, name: string): string | undefined {
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
