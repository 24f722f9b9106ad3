import { fileURLToPath } from 'node:url';
import type { Store } from '../contract.ts';
import { pgBatchDisable } from './pg-batch-disable.ts';
import { pgCodeLogin } from './pg-code-login.ts';
import { openPool } from './pg-connection.ts';
import { translated, translateError } from './pg-errors.ts';
import { pgFactors } from './pg-factors.ts';
import { pgGuards } from './pg-guards.ts';
import { migratePostgres } from './pg-migrate.ts';
import { pgSaml } from './pg-saml.ts';
import { pgSessions } from './pg-sessions.ts';
import { pgUsers } from './pg-users.ts';

/** Methods that only read, so may be repeated once on a fresh connection (see `translated`). */
const readOnly = new Set([
  'getUserById',
  'getUserByUsername',
  'countUsers',
  'listUsers',
  'countUserMatches',
  'getFactor',
  'getSession',
  'getPolicy',
  'listAudit',
  'getSamlIdp',
]);

const migrationsDir = fileURLToPath(new URL('./migrations', import.meta.url));

export interface PostgresStoreOptions {
  /** `postgres://user:password@host:port/database` (DATABASE_URL). */
  url: string;
  /** Connections in this instance's pool (DATABASE_POOL_SIZE, default 10). */
  poolSize?: number;
  /** Seconds to wait for a connection before failing as unavailable (default 5). */
  connectTimeout?: number;
}

/**
 * Opens the shared store: PostgreSQL through a node-postgres (`pg`) pool, for any number of server
 * instances behind a load balancer. Every atomic guarantee of the contract is enforced by the
 * database (conditional UPDATEs, upserts, unique constraints, row locks), never in this
 * process, and every commit is durable before it resolves. When the database is down or drops a
 * connection, methods reject with `StoreUnavailableError` (HTTP 503); the pool reconnects on the
 * next query, so the server recovers without a restart. `migrate()` applies the versioned SQL
 * migrations under an advisory lock, so instances starting together migrate once.
 *
 * @example
 * const store = openPostgresStore({ url: 'postgres://postgres@127.0.0.1/mfa', poolSize: 10 });
 * await store.migrate();
 */
export function openPostgresStore(options: PostgresStoreOptions): Store {
  const pool = openPool({
    url: options.url,
    poolSize: options.poolSize ?? 10,
    connectTimeout: options.connectTimeout,
  });
  const methods = translated(
    {
      ...pgUsers(pool),
      ...pgFactors(pool),
      ...pgCodeLogin(pool),
      ...pgBatchDisable(pool),
      ...pgGuards(pool),
      ...pgSessions(pool),
      ...pgSaml(pool),
    },
    readOnly,
  );
  return {
    kind: 'postgres',
    ...methods,
    async migrate() {
      // Not under the per-call timeout: it may wait for another instance's migration.
      await migratePostgres(pool, migrationsDir).catch((error: unknown) => {
        throw translateError(error);
      });
    },
    async close() {
      // Waits for the connections checked out to come back, then closes every connection.
      await pool.end();
    },
  };
}
