import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { CookieOptions } from 'hono/utils/cookie';
import type { Config } from '../config/config.ts';

const SESSION_COOKIE = 'mfa_session';
const BINDING_COOKIE = 'mfa_challenge';
/** The binding cookie is sent only to the login steps that answer the challenge. */
const BINDING_PATH = '/api/login';

const loopback = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

/**
 * Whether cookies get `Secure`: everywhere but plain-HTTP localhost (COOKIE_SECURE=auto), or as
 * configured.
 */
function secure(c: Context, config: Pick<Config, 'cookieSecure'>): boolean {
  if (config.cookieSecure !== 'auto') return config.cookieSecure === 'always';
  const url = new URL(c.req.url);
  return url.protocol === 'https:' || !loopback.has(url.hostname);
}

const attrs = (
  c: Context,
  config: Pick<Config, 'cookieSecure'>,
  path: string,
  sameSite: 'Lax' | 'Strict',
): CookieOptions => ({ path, httpOnly: true, secure: secure(c, config), sameSite });

/** Sets the HttpOnly session cookie (Lax, so links into the BMS keep the login). */
export function setSessionCookie(c: Context, config: Config, token: string): void {
  setCookie(c, SESSION_COOKIE, token, {
    ...attrs(c, config, '/', 'Lax'),
    maxAge: Math.floor(config.sessionAbsoluteMs / 1000),
  });
}

export function clearSessionCookie(c: Context, config: Config): void {
  deleteCookie(c, SESSION_COOKIE, attrs(c, config, '/', 'Lax'));
}

/** The challenge-binding cookie: only this client may answer the challenge it started. */
export function setBindingCookie(c: Context, config: Config, token: string): void {
  setCookie(c, BINDING_COOKIE, token, {
    ...attrs(c, config, BINDING_PATH, 'Strict'),
    maxAge: Math.floor(config.limits.challengeTtlMs / 1000),
  });
}

export function clearBindingCookie(c: Context, config: Config): void {
  deleteCookie(c, BINDING_COOKIE, attrs(c, config, BINDING_PATH, 'Strict'));
}

/** The session token of the request, if it sent one. */
export const readSessionToken = (c: Context) => getCookie(c, SESSION_COOKIE) || undefined;
/** The challenge binding of the request, if it sent one. */
export const readBindingToken = (c: Context) => getCookie(c, BINDING_COOKIE) || undefined;
