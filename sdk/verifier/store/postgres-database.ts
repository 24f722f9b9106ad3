import type { Decision, FactorRow, Flow } from './flow.ts';
import { MIGRATION_APPLIED, MIGRATIONS_TABLE, RECORD_MIGRATION } from './migrations.ts';
import { missingDriver } from './missing-driver.ts';
import type { SqlDatabase } from './sql-database.ts';
import { FACTOR_SNAPSHOT, RECOVERY_CODE_USED_AT } from './statements.ts';

/**
 * What the verifier uses of a node-postgres pool, by shape: any `pg.Pool` of the caller's fits,
 * and the published types need neither `pg` nor `@types/pg` in a project on SQLite.
 */
export interface PgPool {
  connect(): Promise<PgPoolClient>;
  end(): Promise<void>;
}

/** What the verifier uses of a client checked out of a {@link PgPool}. */
export interface PgPoolClient {
  query(text: string, values?: unknown[]): Promise<{ rows: unknown[]; rowCount: number | null }>;
  release(destroy?: boolean | Error): void;
}

/**
 * Locks the user's row (`FOR UPDATE`), reads it and the typed recovery code's, decides and
 * writes: inside the caller's transaction on `client`, the verifier's own or an application's
 * that adds its own writes to the same commit (the BMS server's store).
 *
 * @example await client.query('BEGIN'); const d = await decideOnPostgres(client, flow); …
 */
export async function decideOnPostgres<T>(
  client: Pick<PgPoolClient, 'query'>,
  flow: Flow<T>,
): Promise<Decision<T>> {
  const first = async <R>(text: string, values: unknown[]) =>
    (await client.query(text, values)).rows[0] as R | undefined;
  const factor = await first<FactorRow>(`${FACTOR_SNAPSHOT} FOR UPDATE`, [flow.userId]);
  const recovery =
    flow.recoveryHash === null
      ? undefined
      : await first<{ used_at: string | number | null }>(RECOVERY_CODE_USED_AT, [
          flow.userId,
          flow.recoveryHash,
        ]);
  let recoveryUsedAt: number | null | undefined;
  if (recovery) recoveryUsedAt = recovery.used_at === null ? null : Number(recovery.used_at);
  const decision = flow.decide({ factor, recoveryUsedAt });
  for (const write of decision.writes) await client.query(write.text, write.values);
  return decision;
}

// Serialization failures and deadlocks roll the whole transaction back: it is safe to run again.
const RETRYABLE = new Set(['40001', '40P01']);
const ATTEMPTS = 5;
// Any constant: the advisory lock that orders the migrations of instances starting together.
const MIGRATION_LOCK = 0x6d66_6176;

/**
 * The verifier on PostgreSQL: a pool made from `url`, or the caller's own `pool` (left open by
 * `close`). Every transaction sets `synchronous_commit = on` for itself, so its commit is on disk
 * before it resolves whatever the server's default, and is run again on a serialization failure
 * or a deadlock.
 *
 * @example const db = await openPostgres({ url: 'postgres://localhost/app' });
 */
export async function openPostgres(
  source: { url: string; poolSize?: number } | { pool: PgPool },
): Promise<SqlDatabase> {
  let pool: PgPool;
  let owned = false;
  if ('pool' in source) {
    pool = source.pool;
  } else {
    // Loaded only when PostgreSQL is used: a SQLite deployment need not install it.
    const { default: pgModule } = await import('pg').catch((error: unknown) => {
      throw missingDriver('pg', error);
    });
    const made = new pgModule.Pool({
      connectionString: source.url,
      max: source.poolSize ?? 10,
      application_name: 'mfa-companion-verifier',
    });
    // A connection that breaks while idle is dropped by the pool; without a listener that
    // would be an uncaught error ending the process.
    made.on('error', () => undefined);
    pool = made;
    owned = true;
  }

  /** Runs `fn` in one durable transaction on one connection of the pool. */
  const once = async <T>(fn: (client: PgPoolClient) => Promise<T>): Promise<T> => {
    const client = await pool.connect();
    let broken = false;
    try {
      // One round trip: a query without parameters may hold several statements.
      await client.query('BEGIN; SET LOCAL synchronous_commit = on');
      const result = await fn(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {
        broken = true;
      });
      throw error;
    } finally {
      client.release(broken ? true : undefined);
    }
  };
  const transaction = async <T>(fn: (client: PgPoolClient) => Promise<T>): Promise<T> => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await once(fn);
      } catch (error) {
        const code = (error as { code?: unknown }).code;
        if (attempt >= ATTEMPTS || typeof code !== 'string' || !RETRYABLE.has(code)) throw error;
        // Jittered, so the contenders do not collide again in lockstep.
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * attempt));
      }
    }
  };
  const one = async <R>(client: PgPoolClient, text: string, values: unknown[]) =>
    (await client.query(text, values)).rows[0] as R | undefined;

  return {
    dialect: 'postgres',
    run: <T>(flow: Flow<T>) => transaction((client) => decideOnPostgres(client, flow)),
    async rows<R>(text: string, values: unknown[]) {
      const client = await pool.connect();
      try {
        return (await client.query(text, values)).rows as R[];
      } finally {
        client.release();
      }
    },
    migrate: (version, name, script) =>
      transaction(async (client) => {
        await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
        await client.query(MIGRATIONS_TABLE);
        if (await one(client, MIGRATION_APPLIED, [version])) return false;
        await client.query(script);
        await client.query(RECORD_MIGRATION, [version, name, Date.now()]);
        return true;
      }),
    async close() {
      if (owned) await pool.end();
    },
  };
}
