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

/**
 * Statements of `statements.ts` prepared once each, on first use, for the writes a flow's caller
 * adds (`runFactorFlow`'s `then`), which come as texts with values.
 *
 * @example const run = writeRunner(db); run([{ text: CLEAR_MUST_SETUP_MFA, values: [7] }]);
 */
export function writeRunner(
  db: Database.Database,
): (writes: { text: string; values: unknown[] }[]) => void {
  const prepared = new Map<string, Statement<unknown>>();
  return (writes) => {
    for (const { text, values } of writes) {
      let s = prepared.get(text);
      if (!s) {
        s = statement(db, text);
        prepared.set(text, s);
      }
      s.run(...values);
    }
  };
}
