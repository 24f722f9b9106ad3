/**
 * `npm start`: reads the configuration once, opens the store (PostgreSQL when DATABASE_URL is
 * set, else SQLite in DATA_DIR; migrations applied), seeds the demo company on an empty store, serves the API, the PWA (/app/) and the
 * BMS pages (/) on one port, and shuts down gracefully on SIGTERM/SIGINT.
 *
 * `npm start` runs the compiled `dist/node/server/main.js` (`npm run build:server`); the build
 * folders are found from the working directory (PWA_DIR, BMS_DIR), not from this file, so the
 * compiled and the source entry serve the same ones.
 */
import { ConfigError, readConfig } from './config/config.ts';
import { ensureDataDir, keyPlacementWarning, loadKeyring } from './crypto/keyring.ts';
import { createPasswordHasher } from './crypto/passwords.ts';
import { createLogger } from './logger.ts';
import { bmsPages } from './pages/index.tsx';
import { seedDemo } from './seed.ts';
import { serveApp } from './serve.ts';
import { enableTestIdp } from './sso/test-idp.ts';
import { openStore } from './store/open-store.ts';

const PRUNE_EVERY_MS = 60_000;
const SHUTDOWN_GRACE_MS = 10_000;

function configOrExit() {
  try {
    return readConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`mfa-companion: ${error.message}`);
    process.exit(1);
  }
}

const config = configOrExit();
// Owner-only files: the database, its WAL and the key file hold what DATA_DIR protects.
process.umask(0o077);
ensureDataDir(config.dataDir);
const logger = createLogger();
const keyring = loadKeyring(config);
const keyWarning = keyPlacementWarning(config);
if (keyWarning) console.warn(`mfa-companion: ${keyWarning}`);
const hasher = createPasswordHasher(config.argon2);
// PostgreSQL when DATABASE_URL is set (several instances share it), else SQLite in DATA_DIR.
const store = await openStore(config);

if (config.seedDemo && (await store.countUsers()) === 0) {
  const lines = await seedDemo(store, hasher, config.demoPassword, Date.now());
  const password = config.demoPasswordFromEnv ? '(DEMO_PASSWORD)' : config.demoPassword;
  console.log(`Seeded the demo company. Log in with password ${password}:\n${lines.join('\n')}`);
}

// The demo's built-in test IdP (only with the seeded demo company; its key in DATA_DIR).
const testIdpKeys = config.seedDemo ? await enableTestIdp(store, config.dataDir, Date.now()) : null;
if (testIdpKeys) console.log('Built-in TEST IdP on at /test-idp/ (SSO sign-in of erin@demo.test)');

const { server } = serveApp(
  {
    store,
    config,
    keyring,
    hasher,
    logger,
    pages: bmsPages({ assetsDir: config.bmsDir, testIdpKeys }),
  },
  { port: config.port, hostname: config.host },
  (info) => {
    const host = info.family === 'IPv6' ? `[${info.address}]` : info.address;
    console.log(
      `MFA Companion listening on http://${host}:${info.port} (API /api, PWA /app/, data ${config.dataDir})`,
    );
  },
);

const prune = setInterval(() => {
  store.pruneExpired(Date.now(), config.sessionIdleMs).catch((error: Error) => {
    logger.error('prune failed', { error: error.message });
  });
}, PRUNE_EVERY_MS);
prune.unref();

let stopping = false;
function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  console.log(`${signal}: finishing in-flight requests, then closing the database`);
  clearInterval(prune);
  const force = setTimeout(() => {
    console.error('shutdown: requests still running after 10 s, closing anyway');
    process.exit(1);
  }, SHUTDOWN_GRACE_MS);
  force.unref();
  // close() stops accepting and waits for open requests; idle keep-alive sockets would hold it.
  server.close(async () => {
    await store.close();
    console.log('shutdown: done');
    process.exit(0);
  });
  if ('closeIdleConnections' in server) server.closeIdleConnections();
}
process.on('SIGTERM', () => shutdown('SIGTERM'));
process.on('SIGINT', () => shutdown('SIGINT'));
