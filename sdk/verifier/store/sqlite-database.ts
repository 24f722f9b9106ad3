import type BetterSqlite3 from 'better-sqlite3';
import type { SqlDatabase, Tx } from './sql-database.ts';

/**
 * The verifier's SQLite connection: WAL with `synchronous = FULL`, so every commit is on disk
 * before it resolves, and `BEGIN IMMEDIATE` transactions, one at a time in this process (a queue)
 * and across processes (SQLite's write lock, waited for up to `busy_timeout`).
 *
 * @example const db = await openSqlite('/var/lib/app/mfa.db');
 */
export async function openSqlite(path: string): Promise<SqlDatabase> {
  // Loaded only when SQLite is used: a PostgreSQL deployment need not install it.
  const { default: Database } = await import('better-sqlite3');
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
  let queue: Promise<unknown> = Promise.resolve();
  return {
    dialect: 'sqlite',
    transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
      // The flows await only this connection's (synchronous) statements, but a queue makes
      // "one transaction at a time" hold whatever they await.
      const run = queue.then(async () => {
        db.exec('BEGIN IMMEDIATE');
        try {
          const result = await fn(tx);
          db.exec('COMMIT');
          return result;
        } catch (error) {
          if (db.inTransaction) db.exec('ROLLBACK');
          throw error;
        }
      });
      queue = run.catch(() => undefined);
      return run;
    },
    async close() {
      await queue;
      db.close();
    },
  };
}
