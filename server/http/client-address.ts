import type { Context } from 'hono';

/** How the app learns the client's address; the Node entry point passes the socket's. */
export type AddressResolver = (c: Context) => string | undefined;

/**
 * The client's address for rate limits and the audit log. Behind `hops` trusted proxies, each of
 * which appends the address it was reached from to `X-Forwarded-For`, the client is the entry
 * `hops` from the right; anything left of it was written by the client itself. A request with
 * fewer entries did not come through the proxies, and falls back to the socket address (or
 * `unknown`), as does `hops` 0.
 *
 * @example const ip = clientAddress(c, config.trustProxy, socketAddress);
 */
export function clientAddress(c: Context, hops: number, socket?: AddressResolver): string {
  if (hops > 0) {
    const entries = (c.req.header('x-forwarded-for') ?? '')
      .split(',')
      .map((entry) => entry.trim())
      .filter((entry) => entry !== '');
    const client = entries[entries.length - hops];
    if (client) return client.slice(0, 64);
  }
  return socket?.(c) ?? 'unknown';
}
