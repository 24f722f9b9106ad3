import postgres from 'postgres';
import { isRetryable } from './pg-errors.ts';

export type Sql = postgres.Sql;
export type TxSql = postgres.TransactionSql;

export interface PgConnectionOptions {
  url: string;
  /** Connections in the pool (DATABASE_POOL_SIZE). */
  poolSize: number;
  /** Seconds to wait for a connection before the query fails as unavailable. */
  connectTimeout?: number;
}

/**
 * Seconds the pool waits before reconnecting after `retries` failed attempts: 25–50 ms doubling
 * up to 0.5–1 s, jittered. postgres.js' default grows as 3^n/100 up to 20 s and every refused
 * attempt of an outage counts, so queued queries waited out the store's 15 s call limit and the
 * pool took up to 20 s more to come back once the database had (an in-process outage loop on a
 * loaded VM: queries of 5–19 s and 2–17 s to drain; with this cap none over 3 s, drained in
 * 0.5 s).
 *
 * @example postgres(url, { backoff: reconnectBackoff });
 */
export const reconnectBackoff = (retries: number): number =>
  Math.min(0.05 * 2 ** retries, 1) * (0.5 + Math.random() / 2);

/**
 * Opens a lazy postgres.js pool tuned for the store: int8 columns (epoch-ms times) parsed as
 * numbers, `synchronous_commit=on` forced per connection so a committed replay-guard write is on
 * disk before the commit returns whatever the server's default, and an `application_name` that
 * operators (and the restart test) can find in `pg_stat_activity`.
 *
 * @example const sql = openPool({ url: process.env.DATABASE_URL, poolSize: 10 });
 */
export function openPool(options: PgConnectionOptions): Sql {
  return postgres(options.url, {
    max: options.poolSize,
    connect_timeout: options.connectTimeout ?? 5,
    idle_timeout: 60,
    backoff: reconnectBackoff,
    onnotice: () => {},
    types: {
      int8: {
        to: 20,
        from: [20],
        serialize: (x: number) => String(x),
        parse: (x: string) => Number(x),
      },
    },
    connection: { application_name: 'mfa-companion', synchronous_commit: 'on' },
  });
}

/**
 * Takes the user's row lock for the rest of the transaction: the store's per-user changes
 * (enrolment, recovery codes, code attempts) queue there, on every instance. NO KEY UPDATE, so
 * the foreign-key checks of other writes on the user (a session's insert) do not wait for it.
 *
 * @example await lockUser(tx, userId);
 */
export const lockUser = (tx: TxSql, userId: number) =>
  tx`SELECT 1 FROM users WHERE id = ${userId} FOR NO KEY UPDATE`;

/**
 * Runs `fn` in a transaction (READ COMMITTED unless `serializable`), running it again on a
 * serialization failure or deadlock, which PostgreSQL guarantees rolled everything back. Other
 * errors, including a lost connection, are not retried: the commit may have happened.
 *
 * @example const ok = await transaction(sql, async (tx) => (await tx`update …`).count === 1);
 */
export async function transaction<T>(
  sql: Sql,
  fn: (tx: TxSql) => Promise<T>,
  { serializable = false, attempts = 8 } = {},
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      const result = serializable
        ? await sql.begin('isolation level serializable', fn)
        : await sql.begin(fn);
      return result as T;
    } catch (error) {
      if (attempt >= attempts || !isRetryable(error)) throw error;
      // Jittered backoff so the contenders do not collide again in lockstep.
      await new Promise((r) => setTimeout(r, Math.random() * 5 * attempt));
    }
  }
}
