import type { Context } from 'hono';

/** How the app learns the client's address; the Node entry point passes the socket's. */
export type AddressResolver = (c: Context) => string | undefined;

/**
 * The client's address for rate limits and the audit log: the first `X-Forwarded-For` entry when
 * the server sits behind a trusted proxy, else the socket address, else `unknown`.
 *
 * @example const ip = clientAddress(c, config.trustProxy, socketAddress);
 */
export function clientAddress(c: Context, trustProxy: boolean, socket?: AddressResolver): string {
  if (trustProxy) {
    const forwarded = c.req.header('x-forwarded-for')?.split(',')[0]?.trim();
    if (forwarded) return forwarded.slice(0, 64);
  }
  return socket?.(c) ?? 'unknown';
}
