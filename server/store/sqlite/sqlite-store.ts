import { closeSync, fdatasync, openSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { sqliteFlowRunner } from '../../../sdk/verifier/store/sqlite-database.ts';
import type { Store } from '../contract.ts';
import { createDurableBarrier } from './durable-barrier.ts';
import { createMemoryRateLimits } from './memory-rate-limits.ts';
import { migrate } from './migrate.ts';
import { openReadThread } from './read-thread.ts';
import { sqliteCodeLogin } from './sqlite-code-login.ts';
import { sqliteFactors } from './sqlite-factors.ts';
import { sqliteGuards } from './sqlite-guards.ts';
import { sqliteSaml } from './sqlite-saml.ts';
import { sqliteSessions } from './sqlite-sessions.ts';
import { sqliteUsers } from './sqlite-users.ts';
import { createWriteBatch } from './write-batch.ts';

/** The versioned SQL migrations the store applies on open. */
export const sqliteMigrationsDir = fileURLToPath(new URL('./migrations', import.meta.url));

export interface SqliteStoreOptions {
  /** Database file, or `:memory:` (tests). */
  path: string;
  /** Replaces the WAL fsync (tests observe durability through it). */
  fsync?: () => Promise<void>;
}

/**
 * Opens the embedded store: SQLite in WAL mode through better-sqlite3. Writes are group-committed
 * once per event-loop turn (see `write-batch.ts`) with `synchronous=NORMAL`; the writes that must survive a power loss before the server answers
 * (every change of the second factor, by the verifier's flows, and batch disable) wait on a group-commit
 * flush (fdatasync) of the WAL (see `durable-barrier.ts`), which gives them `synchronous=FULL` durability.
 * Migrations are applied on open; `migrate()` repeats that (idempotent) and makes the files durable.
 * Listings, search and the audit log read on a worker thread (`read-thread.ts`), so no admin
 * query holds the event loop the sign-ins run on.
 *
 * @example
 * const store = openSqliteStore({ path: 'data/mfa.db' });
 * await store.migrate();
 */
export function openSqliteStore(options: SqliteStoreOptions): Store {
  const db = new Database(options.path);
  const inMemory = options.path === ':memory:';
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  // Reads come from a memory map of the file (up to 1 GiB; address space, not memory), so the
  // page cache only holds the pages a transaction writes and those still in the WAL. Keep it at
  // SQLite's own 2 MiB: the end of a write transaction can walk the cache's whole hash table
  // (pcache1TruncateUnsafe), which at 64 MiB cost 2-3 % of the server's CPU per verification
  // (perf, bench/server.bench.ts) for no fewer reads.
  db.pragma('cache_size = -2000');
  db.pragma('mmap_size = 1073741824');
  // Statements are prepared up front, so the schema must exist before the methods are built.
  migrate(db, sqliteMigrationsDir);

  let wal: number | null = null;
  const fsyncWal = () =>
    new Promise<void>((resolve, reject) => {
      // The WAL exists from the first write on and stays while this connection is open.
      wal ??= openSync(`${options.path}-wal`, 'r');
      // fdatasync, as SQLite itself syncs its WAL on Linux: it still flushes a grown file's size,
      // and skips the timestamps fsync would also write (half the kernel CPU measured here).
      fdatasync(wal, (error) => (error ? reject(error) : resolve()));
    });
  const durable = createDurableBarrier(
    options.fsync ?? (inMemory ? () => Promise.resolve() : fsyncWal),
  );
  const { write, flush } = createWriteBatch(db);
  const rateLimits = createMemoryRateLimits();
  const reads = openReadThread(db, options.path);
  const sessions = sqliteSessions(db, write, reads.rows);
  const flows = sqliteFlowRunner(db);
  let pending: Promise<void> = Promise.resolve();
  const tracked = () => {
    const p = durable();
    pending = p.catch(() => undefined);
    return p;
  };

  return {
    kind: 'sqlite',
    async migrate() {
      migrate(db, sqliteMigrationsDir);
      if (!inMemory) {
        // Make the WAL's directory entry durable once, so later WAL fsyncs are enough.
        await write(() =>
          db.prepare("INSERT OR IGNORE INTO settings (key, value) VALUES ('created', '1')").run(),
        );
        const dir = await open(dirname(options.path), 'r');
        await dir.sync().finally(() => dir.close());
      }
    },
    async close() {
      flush();
      await pending;
      if (wal !== null) closeSync(wal);
      await reads.close();
      db.close();
    },
    ...sqliteUsers(db, write, reads.rows),
    ...sqliteFactors(db, flows, write, tracked),
    ...sqliteCodeLogin(db, flows, write, tracked),
    ...sqliteGuards(db, write),
    ...sqliteSaml(db, write),
    ...sessions,
    hitRateLimit: rateLimits.hitRateLimit,
    async pruneExpired(now, sessionIdleMs) {
      rateLimits.prune(now);
      await sessions.pruneExpired(now, sessionIdleMs);
    },
  };
}
