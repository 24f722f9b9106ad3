import type Database from 'better-sqlite3';

/** A prepared statement of `statements.ts`, its `$1`, `$2`… bound from positional values. */
export interface Statement<R> {
  run(...values: unknown[]): Database.RunResult;
  get(...values: unknown[]): R | undefined;
  all(...values: unknown[]): R[];
}

/**
 * Prepares a statement written with numbered parameters, as both adapters share them. SQLite
 * reads `$1` as a parameter named "1", which better-sqlite3 binds from an object's key `1`.
 *
 * @example
 * const byId = statement<UserRow>(db, USER_BY_ID);
 * const row = byId.get(42);
 */
export function statement<R = unknown>(db: Database.Database, text: string): Statement<R> {
  const prepared = db.prepare(text);
  const bind = (values: unknown[]): unknown[] => {
    if (values.length === 0) return [];
    const named: Record<number, unknown> = {};
    for (let i = 0; i < values.length; i++) named[i + 1] = values[i];
    return [named];
  };
  return {
    run: (...values) => prepared.run(...bind(values)),
    get: (...values) => prepared.get(...bind(values)) as R | undefined,
    all: (...values) => prepared.all(...bind(values)) as R[],
  };
}
