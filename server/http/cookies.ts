import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
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

/** Sets the HttpOnly session cookie (Lax, so links into the BMS keep the login). */
export function setSessionCookie(c: Context, config: Config, token: string): void {
  setCookie(c, SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'Lax',
    secure: secureCookies(c, config),
    path: '/',
    maxAge: Math.floor(config.sessionAbsoluteMs / 1000),
  });
}

export function clearSessionCookie(c: Context, config: Config): void {
  deleteCookie(c, SESSION_COOKIE, { path: '/', secure: secureCookies(c, config) });
}

/** The challenge-binding cookie: only this client may answer the challenge it started. */
export function setBindingCookie(c: Context, config: Config, token: string): void {
  setCookie(c, BINDING_COOKIE, token, {
    httpOnly: true,
    sameSite: 'Strict',
    secure: secureCookies(c, config),
    path: '/api/login',
    maxAge: Math.floor(config.limits.challengeTtlMs / 1000),
  });
}

export function clearBindingCookie(c: Context, config: Config): void {
  deleteCookie(c, BINDING_COOKIE, { path: '/api/login', secure: secureCookies(c, config) });
}

export const readSessionToken = (c: Context) => getCookie(c, SESSION_COOKIE);
export const readBindingToken = (c: Context) => getCookie(c, BINDING_COOKIE);
