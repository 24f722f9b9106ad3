import pg from 'pg';
import { StoreUnavailableError } from '../store-unavailable.ts';

// Node's socket errors: the connection itself failed.
const connectionCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ECONNABORTED',
  'ERR_STREAM_WRITE_AFTER_END',
  'ERR_STREAM_DESTROYED',
  'ERR_SOCKET_CLOSED',
]);

// SQLSTATEs that mean "the server went away or will not take us now": class 08 (connection
// exception), admin/crash shutdown, starting up, too many connections, and 55000 which a
// connection attempt gets while the database refuses connections (ALLOW_CONNECTIONS false).
const unavailableStates = new Set(['57P01', '57P02', '57P03', '53300', '55000']);

/** SQLSTATEs after which the whole transaction was rolled back and may simply run again. */
const retryableStates = new Set(['40001', '40P01']);

const codeOf = (error: unknown): string | undefined => {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  const code = (error as { code: unknown }).code;
  return typeof code === 'string' ? code : undefined;
};

/** Whether the error is a serialization failure or deadlock (safe to retry the transaction). */
export function isRetryable(error: unknown): boolean {
  const code = codeOf(error);
  return code !== undefined && retryableStates.has(code);
}

/**
 * What an error thrown by node-postgres during a statement means to the store. An answer of the
 * database (`DatabaseError`, with its SQLSTATE) goes through {@link translateError}, but for the
 * serialization failures a transaction retries. Anything
 * else the driver throws is about the connection — "Connection terminated unexpectedly", a
 * connection that is "not queryable" after its backend died, a connect timeout — none of which
 * carry a code, so they are told apart by where they come from rather than by their text.
 *
 * @example try { await pool.query(text, values); } catch (error) { throw driverError(error); }
 */
export function driverError(error: unknown): unknown {
  if (error instanceof pg.DatabaseError) {
    // Serialization failures stay as they are for `transaction` to retry.
    return retryableStates.has(error.code ?? '') ? error : translateError(error);
  }
  const code = codeOf(error);
  if (code !== undefined && !connectionCodes.has(code)) return error;
  return new StoreUnavailableError(code ?? 'CONNECTION_LOST');
}

/**
 * Maps a driver error to {@link StoreUnavailableError} when it means the database is down or the
 * connection broke; any other error is returned unchanged. The new error carries only the code:
 * driver errors may hold the query parameters (hashes, encrypted secrets) and must not reach a log.
 */
export function translateError(error: unknown): unknown {
  const code = codeOf(error);
  if (code === undefined) return error;
  if (connectionCodes.has(code) || unavailableStates.has(code) || code.startsWith('08')) {
    return new StoreUnavailableError(code);
  }
  // Retries exhausted under contention: transient as well, so the client may try again.
  if (retryableStates.has(code)) return new StoreUnavailableError(code);
  return error;
}

/**
 * Wraps every method of `methods` so driver errors leave the store already translated by
 * {@link translateError}. Methods named in `readOnly` run once more when the first try lost its
 * connection: a pooled connection whose backend was just terminated fails the query sent on it,
 * and a read is safe to repeat on a fresh one. Writes are never repeated, because the lost
 * answer may have followed a commit.
 *
 * @example const store = translated({ async getUserById(id) { … } }, new Set(['getUserById']));
 */
export function translated<T extends object>(
  methods: T,
  readOnly: ReadonlySet<string>,
  timeoutMs = 15_000,
): T {
  const out: Record<string, unknown> = {};
  for (const [name, fn] of Object.entries(methods)) {
    if (typeof fn !== 'function') {
      out[name] = fn;
      continue;
    }
    // A call waiting on a connection that will never answer must not hold a request forever:
    // past `timeoutMs` it fails as unavailable (a late commit then only makes it safer).
    const call = (args: unknown[]) =>
      withTimeout((fn as (...a: unknown[]) => Promise<unknown>).apply(methods, args), timeoutMs);
    out[name] = async (...args: unknown[]) => {
      try {
        return await call(args);
      } catch (error) {
        const translatedError = translateError(error);
        if (!(translatedError instanceof StoreUnavailableError) || !readOnly.has(name)) {
          throw translatedError;
        }
      }
      try {
        return await call(args);
      } catch (error) {
        throw translateError(error);
      }
    };
  }
  return out as T;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new StoreUnavailableError('TIMEOUT')), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
