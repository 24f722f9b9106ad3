import { missingDriver } from './missing-driver.ts';
import type { SqlDatabase, Tx } from './sql-database.ts';

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

// Serialization failures and deadlocks roll the whole transaction back: it is safe to run again.
const RETRYABLE = new Set(['40001', '40P01']);
const ATTEMPTS = 5;

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

  const once = async <T>(fn: (tx: Tx) => Promise<T>, readOnly: boolean): Promise<T> => {
    const client = await pool.connect();
    const tx: Tx = {
      rows: async <R>(text: string, values: unknown[]) =>
        (await client.query(text, values)).rows as R[],
      run: async (text, values) => (await client.query(text, values)).rowCount ?? 0,
      exec: async (script) => {
        await client.query(script);
      },
    };
    let broken = false;
    try {
      // One round trip: a query without parameters may hold several statements.
      await client.query(readOnly ? 'BEGIN READ ONLY' : 'BEGIN; SET LOCAL synchronous_commit = on');
      const result = await fn(tx);
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

  return {
    dialect: 'postgres',
    async transaction(fn, { readOnly = false } = {}) {
      for (let attempt = 1; ; attempt++) {
        try {
          return await once(fn, readOnly);
        } catch (error) {
          const code = (error as { code?: unknown }).code;
          if (attempt >= ATTEMPTS || typeof code !== 'string' || !RETRYABLE.has(code)) throw error;
          // Jittered, so the contenders do not collide again in lockstep.
          await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * attempt));
        }
      }
    },
    async close() {
      if (owned) await pool.end();
    },
  };
}
