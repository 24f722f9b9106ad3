import { resolve } from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import { missingDriver } from './missing-driver.ts';
import type { SqlDatabase, Tx } from './sql-database.ts';

const queues = new Map<string | symbol, Promise<unknown>>();

/**
 * The verifier's SQLite connection: WAL with `synchronous = FULL`, so every commit is on disk
 * before it resolves, and `BEGIN IMMEDIATE` transactions, one at a time in this process (a queue
 * per file, shared by every verifier this process opens on it) and across processes (SQLite's
 * write lock, waited for up to `busy_timeout`).
 *
 * @example const db = await openSqlite('/var/lib/app/mfa.db');
 */
export async function openSqlite(path: string): Promise<SqlDatabase> {
  // Loaded only when SQLite is used: a PostgreSQL deployment need not install it.
  const { default: Database } = await import('better-sqlite3').catch((error: unknown) => {
    throw missingDriver('better-sqlite3', error);
  });
  const db: BetterSqlite3.Database = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 5000');
  const prepared = new Map<string, BetterSqlite3.Statement>();
  const prepare = (text: string) => {
    let statement = prepared.get(text);
    if (!statement) {
      statement = db.prepare(text);
      prepared.set(text, statement);
    }
    return statement;
  };
  // SQLite reads `$1` as a parameter named "1", which better-sqlite3 binds from the key `1`.
  const bind = (values: unknown[]) =>
    values.length === 0 ? [] : [Object.fromEntries(values.map((v, i) => [i + 1, v]))];
  const tx: Tx = {
    rows: async <R>(text: string, values: unknown[]) => {
      const statement = prepare(text);
      if (statement.reader) return statement.all(...bind(values)) as R[];
      statement.run(...bind(values));
      return [];
    },
    run: async (text, values) => prepare(text).run(...bind(values)).changes,
    exec: async (script) => {
      db.exec(script);
    },
  };
  const file = path === ':memory:' || path === '' ? Symbol(path) : resolve(path);
  return {
    dialect: 'sqlite',
    transaction<T>(fn: (tx: Tx) => Promise<T>, { readOnly = false } = {}): Promise<T> {
      // A flow awaits between its statements. Were a second connection of this process to
      // BEGIN meanwhile, better-sqlite3 would wait for SQLite's lock synchronously, blocking the
      // very event loop the first one needs to commit: so one queue per file orders them.
      const run = (queues.get(file) ?? Promise.resolve()).then(async () => {
        db.exec(readOnly ? 'BEGIN' : 'BEGIN IMMEDIATE');
        try {
          const result = await fn(tx);
          db.exec('COMMIT');
          return result;
        } catch (error) {
          if (db.inTransaction) db.exec('ROLLBACK');
          throw error;
        }
      });
      queues.set(
        file,
        run.catch(() => undefined),
      );
      return run;
    },
    async close() {
      await queues.get(file);
      db.close();
    },
  };
}
