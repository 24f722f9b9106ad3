/**
 * A server process as `server/main.ts` runs it (config from the environment, `openStore`,
 * `createApp`, @hono/node-server), for the multi-instance tests and the PostgreSQL bench while
 * the real entry point is not wired yet; `instances.ts` prefers `server/main.ts` once it serves.
 * Logs go to stdout as JSON lines; SIGTERM closes the listener, then the store.
 */
import { serve } from '@hono/node-server';
import { getConnInfo } from '@hono/node-server/conninfo';
import { createApp } from '../../../server/app.ts';
import { readConfig } from '../../../server/config/config.ts';
import { createLogger } from '../../../server/logger.ts';
import { openStore } from '../../../server/store/open-store.ts';

const config = readConfig();
const store = await openStore(config);
const logger = createLogger();
const app = createApp({
  store,
  config,
  logger: { ...logger, info: () => {} },
  socketAddress: (c) => getConnInfo(c).remote.address,
});
const server = serve({ fetch: app.fetch, port: config.port, hostname: config.host });
const stop = () => server.close(() => void store.close().finally(() => process.exit(0)));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
