import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { migrateVerifier } from '../../../sdk/verifier/store/migrations.ts';
import { openPostgres } from '../../../sdk/verifier/store/postgres-database.ts';
import type { Pool, Tx } from './pg-connection.ts';

/** Key of the advisory lock every instance takes before migrating (any constant works). */
const MIGRATION_LOCK_KEY = 4_242_001;
/** First line of a migration that must run outside a transaction (`CREATE INDEX CONCURRENTLY`). */
const WITHOUT_TRANSACTION = /^-- migrate: without transaction\s*$/m;

/**
 * Takes the migration lock, polling rather than waiting inside `pg_advisory_lock`: a waiting
 * statement holds a snapshot, and `CREATE INDEX CONCURRENTLY` in the migrating instance waits for
 * every older snapshot of the database, so a blocked waiter would stall it (a deadlock).
 */
async function takeLock(conn: Tx): Promise<void> {
  for (;;) {
    const { rows } = await conn.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1) AS ok', [
      MIGRATION_LOCK_KEY,
    ]);
    if (rows[0]?.ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The statements of a file run one by one (each `;` at a line's end closes one). */
const statementsOf = (text: string) =>
  text
    .split(/;\s*$/m)
    .map((s) => s.replace(/^\s*--.*$/gm, '').trim())
    .filter((s) => s.length > 0);

/**
 * Applies the versioned migrations in `dir` (`0001_name.sql`, `0002_…`) the database has not
 * seen, in order, each in its own transaction (or, marked `-- migrate: without transaction`,
 * statement by statement), recording them in `schema_migrations`. The whole
 * run holds an advisory lock on one reserved connection, so when several instances start at
 * once one migrates while the others wait, then find nothing left to do. The verifier library's
 * tables (the second factor) come first, by its own migrations (and its own lock, taken before
 * this one's connection is reserved, so a pool of one connection cannot wait on itself): the
 * server's 0008 moves the factors it kept before into them.
 *
 * @example await migratePostgres(pool, fileURLToPath(new URL('./migrations', import.meta.url)));
 * @returns the versions applied by this call
 */
export async function migratePostgres(pool: Pool, dir: string): Promise<number[]> {
  const files = (await readdir(dir)).filter((f) => /^\d{4}_[\w-]+\.sql$/.test(f)).sort();
  await migrateVerifier(await openPostgres({ pool }));
  const conn = await pool.connect();
  // A broken connection must not be an uncaught error; the statement in flight fails instead.
  const ignore = () => {};
  conn.on('error', ignore);
  const applied: number[] = [];
  let broken = false;
  try {
    await takeLock(conn);
    try {
      await conn.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
        version integer PRIMARY KEY, name text NOT NULL, applied_at bigint NOT NULL)`);
      const { rows } = await conn.query<{ version: number }>(
        'SELECT version FROM schema_migrations',
      );
      const done = new Set(rows.map((r) => r.version));
      for (const file of files) {
        const version = Number(file.slice(0, 4));
        if (done.has(version)) continue;
        const text = await readFile(join(dir, file), 'utf8');
        if (WITHOUT_TRANSACTION.test(text)) {
          // Each statement commits alone; the file is written so a rerun after a failure
          // (nothing recorded) repeats it safely.
          for (const sql of statementsOf(text)) await conn.query(sql);
          await conn.query(
            'INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)',
            [version, file, Date.now()],
          );
          applied.push(version);
          continue;
        }
        await conn.query('BEGIN');
        try {
          // Without parameters the driver uses the simple-query protocol: a migration file may
          // hold many statements.
          await conn.query(text);
          await conn.query(
            'INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)',
            [version, file, Date.now()],
          );
          await conn.query('COMMIT');
        } catch (error) {
          await conn.query('ROLLBACK').catch(() => undefined);
          throw error;
        }
        applied.push(version);
      }
    } finally {
      await conn.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => {
        broken = true;
      });
    }
  } finally {
    conn.off('error', ignore);
    conn.release(broken || undefined);
  }
  return applied;
}
