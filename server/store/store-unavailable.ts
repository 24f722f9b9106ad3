/**
 * Thrown by a store method when the database cannot be reached or dropped the connection mid-way
 * (a PostgreSQL restart, a killed backend, a refused connection). Nothing is known to have been
 * written, so callers must not answer a success; the HTTP layer answers 503 `STORE_UNAVAILABLE`
 * and the next request tries the database again.
 *
 * @example
 * try { await store.runFactorFlow(flow); }
 * catch (e) { if (e instanceof StoreUnavailableError) return serviceUnavailable(); throw e; }
 */
export class StoreUnavailableError extends Error {
  override name = 'StoreUnavailableError';
  readonly code = 'STORE_UNAVAILABLE';

  /** @param reason a driver error code such as `ECONNREFUSED` or `57P01`, never query text */
  constructor(readonly reason: string) {
    super(`The database is unavailable (${reason}).`);
  }
}
