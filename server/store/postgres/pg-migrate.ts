import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Sql } from './pg-connection.ts';

/** Key of the advisory lock every instance takes before migrating (any constant works). */
export const MIGRATION_LOCK_KEY = 4_242_001;

/**
 * Applies the versioned migrations in `dir` (`0001_name.sql`, `0002_…`) the database has not
 * seen, in order, each in its own transaction, recording them in `schema_migrations`. The whole
 * run holds `pg_advisory_lock` on one reserved connection, so when several instances start at
 * once one migrates while the others wait, then find nothing left to do.
 *
 * @example await migratePostgres(sql, fileURLToPath(new URL('./migrations', import.meta.url)));
 * @returns the versions applied by this call
 */
export async function migratePostgres(sql: Sql, dir: string): Promise<number[]> {
  const files = (await readdir(dir)).filter((f) => /^\d{4}_[\w-]+\.sql$/.test(f)).sort();
  const conn = await sql.reserve();
  const applied: number[] = [];
  try {
    await conn`SELECT pg_advisory_lock(${MIGRATION_LOCK_KEY}::bigint)`;
    try {
      await conn`CREATE TABLE IF NOT EXISTS schema_migrations (
        version integer PRIMARY KEY, name text NOT NULL, applied_at bigint NOT NULL)`;
      const rows = await conn<{ version: number }[]>`SELECT version FROM schema_migrations`;
      const done = new Set(rows.map((r) => r.version));
      for (const file of files) {
        const version = Number(file.slice(0, 4));
        if (done.has(version)) continue;
        const text = await readFile(join(dir, file), 'utf8');
        await conn.unsafe('BEGIN');
        try {
          // Simple-query protocol: a migration file may hold many statements.
          await conn.unsafe(text);
          await conn`INSERT INTO schema_migrations (version, name, applied_at)
                     VALUES (${version}, ${file}, ${Date.now()})`;
          await conn.unsafe('COMMIT');
        } catch (error) {
          await conn.unsafe('ROLLBACK').catch(() => undefined);
          throw error;
        }
        applied.push(version);
      }
    } finally {
      await conn`SELECT pg_advisory_unlock(${MIGRATION_LOCK_KEY}::bigint)`.catch(() => undefined);
    }
  } finally {
    conn.release();
  }
  return applied;
}
