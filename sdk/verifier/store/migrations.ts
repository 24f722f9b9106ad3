import type { SqlDatabase } from './sql-database.ts';

/**
 * The verifier's tables, in the caller's database beside its own (every name starts with
 * `mfa_verifier_`). A version is applied once, in order, in the transaction that records it.
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
  // Housekeeping walks the expired set-ups in expiry order, without reading the active factors.
  // Not a partial index: SQLite, without statistics, would take the status index instead.
  {
    version: 2,
    name: 'expiry index',
    script: () => `CREATE INDEX mfa_verifier_factors_by_expiry
      ON mfa_verifier_factors (status, expires_at)`,
  },
];

/** The table of applied versions, created by each database's `migrate` before it looks. */
export const MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS mfa_verifier_migrations (
  version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)`;
export const MIGRATION_APPLIED =
  'SELECT 1 AS applied FROM mfa_verifier_migrations WHERE version = $1';
export const RECORD_MIGRATION =
  'INSERT INTO mfa_verifier_migrations (version, name, applied_at) VALUES ($1, $2, $3)';

/** The verifier's migrations in order, as their scripts read in `dialect`. */
export const verifierMigrations = (dialect: 'sqlite' | 'postgres') =>
  MIGRATIONS.map(({ version, name, script }) => ({ version, name, script: script(dialect) }));

/**
 * Applies the verifier's migrations the database has not seen.
 *
 * @returns the versions this call applied
 * @example await migrateVerifier(db);
 */
export async function migrateVerifier(db: SqlDatabase): Promise<number[]> {
  const applied: number[] = [];
  for (const { version, name, script } of verifierMigrations(db.dialect)) {
    if (await db.migrate(version, name, script)) applied.push(version);
  }
  return applied;
}
