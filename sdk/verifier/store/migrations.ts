import type { SqlDatabase } from './sql-database.ts';

/**
 * The verifier's tables, in the caller's database beside its own (every name starts with
 * `mfa_verifier_`). A version is applied once, in order, each in the transaction that records it;
 * instances starting together wait for one another (SQLite's write lock, a PostgreSQL advisory
 * lock).
 */
// One text for both: SQLite reads BIGINT as an integer column; only SQLite has WITHOUT ROWID
// (a user's row, and their codes, stored in their primary key's B-tree).
const v1 = (dialect: 'sqlite' | 'postgres') => {
  const clustered = dialect === 'sqlite' ? ' WITHOUT ROWID' : '';
  return `
    CREATE TABLE mfa_verifier_factors (
      user_id TEXT PRIMARY KEY,
      status TEXT NOT NULL CHECK (status IN ('pending', 'active')),
      secret TEXT NOT NULL,
      issuer TEXT NOT NULL,
      account TEXT NOT NULL,
      last_step BIGINT,
      created_at BIGINT NOT NULL,
      expires_at BIGINT,
      enabled_at BIGINT,
      failures INTEGER NOT NULL DEFAULT 0,
      locks INTEGER NOT NULL DEFAULT 0,
      locked_until BIGINT
    )${clustered};
    CREATE INDEX mfa_verifier_factors_by_status ON mfa_verifier_factors (status, user_id);
    CREATE TABLE mfa_verifier_recovery_codes (
      user_id TEXT NOT NULL,
      code_hash TEXT NOT NULL,
      used_at BIGINT,
      PRIMARY KEY (user_id, code_hash)
    )${clustered};`;
};

/** Each version's script, for the dialect it runs on. */
const MIGRATIONS: {
  version: number;
  name: string;
  script: (dialect: 'sqlite' | 'postgres') => string;
}[] = [
  // One row per user: the factor and its failure counter, so one row lock orders every attempt.
  { version: 1, name: 'factors and recovery codes', script: v1 },
];

// Any constant both sides agree on: the advisory lock that orders concurrent migrations.
const MIGRATION_LOCK = 0x6d66_6176;

/**
 * Applies the verifier's migrations the database has not seen.
 *
 * @returns the versions this call applied
 * @example await migrateVerifier(db);
 */
export async function migrateVerifier(db: SqlDatabase): Promise<number[]> {
  return db.transaction(async (tx) => {
    if (db.dialect === 'postgres')
      await tx.rows('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await tx.exec(`CREATE TABLE IF NOT EXISTS mfa_verifier_migrations (
      version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)`);
    const seen = new Set(
      (await tx.rows<{ version: number }>('SELECT version FROM mfa_verifier_migrations', [])).map(
        (row) => Number(row.version),
      ),
    );
    const applied: number[] = [];
    for (const migration of MIGRATIONS) {
      if (seen.has(migration.version)) continue;
      await tx.exec(migration.script(db.dialect));
      await tx.run(
        'INSERT INTO mfa_verifier_migrations (version, name, applied_at) VALUES ($1, $2, $3)',
        [migration.version, migration.name, Date.now()],
      );
      applied.push(migration.version);
    }
    return applied;
  });
}
