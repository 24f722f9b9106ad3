import pg from 'pg';
import type { RunRows } from '../user-page.ts';
import { driverError, isRetryable } from './pg-errors.ts';

/** The pool of a store; queries go through {@link query}, transactions through {@link transaction}. */
export type Pool = pg.Pool;
/** A connection checked out for one transaction. */
export type Tx = pg.PoolClient;
/** A pool or a transaction's connection: what {@link query} runs a statement on. */
export type Queryable = Pool | Tx;

export interface PgConnectionOptions {
  url: string;
  /** Connections in the pool (DATABASE_POOL_SIZE). */
  poolSize: number;
  /** Seconds to wait for a connection before the query fails as unavailable. */
  connectTimeout?: number;
}

const INT8 = 20;
// Epoch-millisecond times and counts are int8 columns; they fit a double, so read them as numbers.
const parseInt8 = (text: string) => Number(text);

/**
 * Opens a lazy node-postgres pool tuned for the store: int8 columns parsed as numbers,
 * `synchronous_commit=on` forced per connection so a committed replay-guard write is on disk
 * before the commit returns whatever the server's default, custom plans only, and an
 * `application_name` that operators (and the restart test) can find in `pg_stat_activity`.
 *
 * A connection that breaks while idle in the pool is dropped by the pool; the `error` listener
 * keeps that from being an uncaught error (which would end the process).
 *
 * @example const pool = openPool({ url: process.env.DATABASE_URL, poolSize: 10 });
 */
export function openPool(options: PgConnectionOptions): Pool {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolSize,
    connectionTimeoutMillis: (options.connectTimeout ?? 5) * 1000,
    idleTimeoutMillis: 60_000,
    application_name: 'mfa-companion',
    // Custom plans always: a generic plan of a search cannot see its pattern, costs the trigram
    // index against an average selectivity and walks the primary key instead (a table scan for
    // a rare term). The store sends unnamed statements, planned with their values anyway; this
    // keeps it so should a statement ever be prepared by name.
    options: '-c synchronous_commit=on -c plan_cache_mode=force_custom_plan',
    types: {
      getTypeParser: ((oid: number, format?: string) =>
        oid === INT8 ? parseInt8 : pg.types.getTypeParser(oid, format as 'text')) as never,
    },
  });
  pool.on('error', () => {
    // The pool has already removed the broken connection; the next query opens a fresh one.
  });
  return pool;
}

/**
 * Runs one statement (`$1`, `$2`… bound to `values`) on the pool or a transaction's connection.
 * A failure of the connection itself rejects with `StoreUnavailableError`; an error the database
 * answered (a unique violation, a serialization failure) is rethrown as it is.
 *
 * @example const { rows } = await query<UserRow>(pool, 'SELECT * FROM users WHERE id = $1', [id]);
 */
export async function query<R extends object = Record<string, unknown>>(
  db: Queryable,
  text: string,
  values: readonly unknown[] = [],
): Promise<{ rows: R[]; rowCount: number }> {
  try {
    const result = await db.query<R>(text, values as unknown[]);
    return { rows: result.rows, rowCount: result.rowCount ?? 0 };
  } catch (error) {
    throw driverError(error);
  }
}

/**
 * `tx` as the verifier's flows take a client (`decideOnPostgres`), its statements failing as the
 * store's own do: a lost connection as `StoreUnavailableError`, not as the driver's bare error.
 *
 * @example const decision = await decideOnPostgres(flowClient(tx), flow);
 */
export const flowClient = (tx: Tx) => ({
  query: (text: string, values: unknown[] = []) => query(tx, text, values),
});

/**
 * Runs `fn` in a transaction (READ COMMITTED unless `serializable`) on one connection, running
 * it again on a serialization failure or deadlock, which PostgreSQL guarantees rolled everything
 * back. Other errors, including a lost connection, are not retried: the commit may have happened.
 *
 * @example const ok = await transaction(pool, async (tx) => (await query(tx, 'UPDATE …')).rowCount === 1);
 */
export async function transaction<T>(
  pool: Pool,
  fn: (tx: Tx) => Promise<T>,
  { serializable = false, attempts = 8 } = {},
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await once(pool, fn, serializable);
    } catch (error) {
      if (attempt >= attempts || !isRetryable(error)) throw error;
      // Jittered backoff so the contenders do not collide again in lockstep.
      await new Promise((r) => setTimeout(r, Math.random() * 5 * attempt));
    }
  }
}

async function once<T>(pool: Pool, fn: (tx: Tx) => Promise<T>, serializable: boolean) {
  let tx: Tx;
  try {
    tx = await pool.connect();
  } catch (error) {
    throw driverError(error);
  }
  // A checked-out connection is ours to watch: its backend dying between two statements emits
  // `error` here, and the statement that follows fails (as unavailable) instead.
  let broken: unknown;
  const onError = (error: unknown) => {
    broken = error;
  };
  tx.on('error', onError);
  try {
    await query(tx, serializable ? 'BEGIN ISOLATION LEVEL SERIALIZABLE' : 'BEGIN');
    const result = await fn(tx);
    await query(tx, 'COMMIT');
    return result;
  } catch (error) {
    if (broken === undefined) await tx.query('ROLLBACK').catch((e: unknown) => onError(e));
    throw error;
  } finally {
    tx.off('error', onError);
    // A broken connection leaves the pool for good; a healthy one goes back for the next query.
    tx.release(broken === undefined ? undefined : true);
  }
}

/**
 * The pool as the shared page builders (`user-page.ts`, `audit-page.ts`) run statements.
 *
 * @example const page = await listUserPage('postgres', query, rowsOn(pool));
 */
export const rowsOn =
  (pool: Pool): RunRows =>
  async <R>(text: string, values: unknown[]) =>
    (await query(pool, text, values)).rows as R[];
