import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config/config.ts';
import type { Store } from './contract.ts';
import { openPostgresStore } from './postgres/postgres-store.ts';
import { openSqliteStore } from './sqlite/sqlite-store.ts';

/**
 * Opens the store the configuration asks for and applies its migrations: PostgreSQL when
 * `DATABASE_URL` is set (several instances share it), otherwise the embedded SQLite file
 * `mfa.db` in `DATA_DIR` (created owner-only). `store.kind` tells `/api/health` which one it is.
 *
 * @example
 * const store = await openStore(readConfig());
 * const app = createApp({ store, config });
 */
export async function openStore(
  config: Pick<Config, 'dataDir' | 'databaseUrl' | 'databasePoolSize'>,
): Promise<Store> {
  const store = config.databaseUrl
    ? openPostgresStore({ url: config.databaseUrl, poolSize: config.databasePoolSize })
    : openSqliteStore({ path: sqlitePath(config.dataDir) });
  try {
    await store.migrate();
  } catch (error) {
    await store.close().catch(() => undefined);
    throw error;
  }
  return store;
}

function sqlitePath(dataDir: string): string {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  return join(dataDir, 'mfa.db');
}
