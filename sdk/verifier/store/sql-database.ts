/**
 * The little the verifier needs of a SQL database, so one text of each flow runs on SQLite and
 * PostgreSQL: statements with numbered parameters (`$1`, `$2`…, as both accept them) inside a
 * transaction that serialises the writes it locks.
 */

/** Statements inside one transaction. */
export interface Tx {
  /** Runs a statement, giving its rows. */
  rows<R>(text: string, values: unknown[]): Promise<R[]>;
  /** Runs a statement, giving how many rows it changed. */
  run(text: string, values: unknown[]): Promise<number>;
  /** Runs a script of several statements without parameters (migrations). */
  exec(script: string): Promise<void>;
}

export interface SqlDatabase {
  readonly dialect: 'sqlite' | 'postgres';
  /**
   * Runs `fn` in one transaction and commits it (durably: the commit survives a crash or power
   * loss before the promise resolves), or rolls it back when `fn` throws. SQLite runs one at a
   * time (`BEGIN IMMEDIATE`, across processes too); PostgreSQL serialises what `FOR UPDATE`
   * locks. `readOnly` reads one snapshot without taking the write lock (SQLite `BEGIN`,
   * PostgreSQL `READ ONLY`).
   */
  transaction<T>(fn: (tx: Tx) => Promise<T>, opts?: { readOnly?: boolean }): Promise<T>;
  /** Ends the connection (a pool passed in by the caller is left open). */
  close(): Promise<void>;
}
