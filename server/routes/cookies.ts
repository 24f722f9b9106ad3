import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { CookieOptions } from 'hono/utils/cookie';
import type { Config } from '../config/config.ts';

const SESSION_COOKIE = 'mfa_session';
const BINDING_COOKIE = 'mfa_challenge';
/** The binding cookie is sent only to the login steps that answer the challenge. */
const BINDING_PATH = '/api/login';
const SSO_REQUEST_COOKIE = 'mfa_sso_request';
/** The SSO request cookie goes only to the ACS, which checks the IdP's answer against it. */
const SSO_REQUEST_PATH = '/api/sso/saml/acs';

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
  sameSite: 'Lax' | 'Strict' | 'None',
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

/**
 * The id of the AuthnRequest this browser started, so the ACS accepts only the answer to it: a
 * response for a sign-in started elsewhere (login CSRF: an attacker's own assertion posted into
 * someone else's browser) is refused. The IdP's post is cross-site, so over HTTPS the cookie is
 * `SameSite=None; Secure`; on plain-HTTP localhost (no `Secure`, so no `None`) it is `Lax`, which
 * a same-site IdP (the built-in test IdP) still receives.
 */
export function setSsoRequestCookie(c: Context, config: Config, requestId: string, ttlMs: number) {
  const sameSite = secure(c, config) ? 'None' : 'Lax';
  setCookie(c, SSO_REQUEST_COOKIE, requestId, {
    ...attrs(c, config, SSO_REQUEST_PATH, sameSite),
    maxAge: Math.floor(ttlMs / 1000),
  });
}

export function clearSsoRequestCookie(c: Context, config: Config): void {
  deleteCookie(c, SSO_REQUEST_COOKIE, attrs(c, config, SSO_REQUEST_PATH, 'Lax'));
}

/** The AuthnRequest id this browser started, if it sent one. */
export const readSsoRequest = (c: Context) => getCookie(c, SSO_REQUEST_COOKIE) || undefined;

/** The session token of the request, if it sent one. */
export const readSessionToken = (c: Context) => getCookie(c, SESSION_COOKIE) || undefined;
/** The challenge binding of the request, if it sent one. */
export const readBindingToken = (c: Context) => getCookie(c, BINDING_COOKIE) || undefined;
