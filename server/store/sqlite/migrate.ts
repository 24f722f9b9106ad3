import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { sqliteFlowRunner } from '../../../sdk/verifier/store/sqlite-database.ts';

/**
 * Applies the versioned migrations in `dir` (`0001_name.sql`, `0002_…`) that the database has not
 * seen, in order, each in its own transaction, and records them in `schema_migrations`. The
 * verifier library's tables (the second factor) come first, by its own migrations: the server's
 * 0009 moves the factors it kept before into them.
 *
 * @example migrate(db, new URL('./migrations', import.meta.url).pathname)
 * @returns the versions applied by this call
 */
export function migrate(db: Database.Database, dir: string): number[] {
  sqliteFlowRunner(db).migrate();
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)`);
  const done = new Set(
    db
      .prepare('SELECT version FROM schema_migrations')
      .all()
      .map((row) => (row as { version: number }).version),
  );
  const applied: number[] = [];
  const files = readdirSync(dir)
    .filter((f) => /^\d{4}_[\w-]+\.sql$/.test(f))
    .sort();
  for (const file of files) {
    const version = Number(file.slice(0, 4));
    if (done.has(version)) continue;
    const sql = readFileSync(join(dir, file), 'utf8');
    // IMMEDIATE: two processes starting at once must not both apply the same version.
    db.transaction(() => {
      const seen = db.prepare('SELECT 1 FROM schema_migrations WHERE version = ?').get(version);
      if (seen) return;
      db.exec(sql);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(
        version,
        file,
        Date.now(),
      );
      applied.push(version);
    }).immediate();
  }
  return applied;
}
