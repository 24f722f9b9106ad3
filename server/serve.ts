import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { getConnInfo } from '@hono/node-server/conninfo';
import { type AppOptions, createApp } from './app.ts';

/**
 * How the Node entry point serves the app: `@hono/node-server`'s `serve()` hands every request
 * to the app's one middleware chain, with the socket's address as the client's (behind a
 * trusted proxy, `X-Forwarded-For` first). Port 0 picks a free port (tests).
 *
 * @example
 * const { server } = serveApp({ store, config }, { port: 8787, hostname: '127.0.0.1' });
 */
export function serveApp(
  options: Omit<AppOptions, 'socketAddress'>,
  listen: { port: number; hostname?: string },
  onListening?: (info: AddressInfo) => void,
) {
  const app = createApp({ ...options, socketAddress: (c) => getConnInfo(c).remote.address });
  const server = serve({ fetch: app.fetch, ...listen }, onListening);
  return { app, server };
}
