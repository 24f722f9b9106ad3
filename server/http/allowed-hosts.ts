import { isIP } from 'node:net';
import type { MiddlewareHandler } from 'hono';
import { ErrorCode } from '../../sdk/client/error-codes.ts';
import { AppError } from '../errors.ts';

const LOOPBACK_NAMES = new Set(['localhost']);

/** The host name of a `Host` header value (`name`, `name:port`, `[v6]:port`), lower-cased. */
export function hostName(header: string): string {
  const value = header.trim().toLowerCase();
  if (value.startsWith('[')) {
    const end = value.indexOf(']');
    return end === -1 ? value.slice(1) : value.slice(1, end);
  }
  const colon = value.lastIndexOf(':');
  // A bare IPv6 address has several colons and no port.
  return colon !== -1 && value.indexOf(':') === colon ? value.slice(0, colon) : value;
}

/**
 * Whether a request for `name` may be answered. DNS rebinding reaches the server under a name the
 * attacker controls, so only names are checked: `localhost` (and `*.localhost`), the configured
 * ones, and any IP literal — a page served from an address is that address's own origin, never
 * another site's.
 *
 * @example hostAllowed('bms.example.com', ['bms.example.com']) // true
 */
export function hostAllowed(name: string, allowed: readonly string[]): boolean {
  if (name === '') return false;
  if (isIP(name) !== 0) return true;
  if (LOOPBACK_NAMES.has(name) || name.endsWith('.localhost')) return true;
  return allowed.includes(name);
}

/**
 * 421 `HOST_NOT_ALLOWED` for a `Host` (behind trusted proxies, `X-Forwarded-Host`) that is not
 * one of the server's names (see {@link hostAllowed}): a DNS-rebinding page cannot reach even the
 * unauthenticated routes, and cookie and URL decisions only ever see names from configuration.
 *
 * @example app.use('*', allowedHostsOnly({ trustProxy: 0, hosts: ['bms.example.com'] }));
 */
export function allowedHostsOnly({
  trustProxy,
  hosts,
}: {
  /** Proxies in front of the server (TRUST_PROXY); 0 ignores `X-Forwarded-Host`. */
  trustProxy: number;
  /** Host names from PUBLIC_ORIGIN and ALLOWED_HOSTS. */
  hosts: readonly string[];
}): MiddlewareHandler {
  return async (c, next) => {
    const forwarded = trustProxy > 0 ? c.req.header('x-forwarded-host') : undefined;
    // A proxy chain may list one host per hop; the first is the one the client asked for.
    const header = forwarded?.split(',')[0] ?? c.req.header('host') ?? new URL(c.req.url).host;
    if (!hostAllowed(hostName(header), hosts)) {
      throw new AppError(
        ErrorCode.HOST_NOT_ALLOWED,
        'This server does not answer for that host name: add it to PUBLIC_ORIGIN or ALLOWED_HOSTS.',
      );
    }
    return next();
  };
}
