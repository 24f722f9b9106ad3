/**
 * The little the verifier needs of a SQL database, so one text of each flow (`flow.ts`) runs on
 * SQLite and PostgreSQL; the statements, with numbered parameters (`$1`, `$2`…, as both accept
 * them), are in `statements.ts`.
 */
import type { Decision, Flow } from './flow.ts';

export interface SqlDatabase {
  readonly dialect: 'sqlite' | 'postgres';
  /**
   * Runs a flow in one transaction and commits it durably (on disk before the promise resolves):
   * reads the user's row and the typed recovery code's, calls `decide`, runs its writes. The
   * user's attempts are decided one after another, on every instance: SQLite holds its write lock
   * for the whole flow, which runs synchronously (nothing else of this process runs in between,
   * so another connection to the file never waits on a lock this event loop holds); PostgreSQL
   * locks the user's row (`FOR UPDATE`).
   */
  run<T>(flow: Flow<T>): Promise<Decision<T>>;
  /** One read statement (a snapshot of its own, without the write lock). */
  rows<R>(text: string, values: unknown[]): Promise<R[]>;
  /**
   * Applies a migration unless `mfa_verifier_migrations` records its version: the script and the
   * record in one transaction, instances starting together waiting for one another. Resolves to
   * whether this call applied it.
   */
  migrate(version: number, name: string, script: string): Promise<boolean>;
  /** Ends the connection (a pool passed in by the caller is left open). */
  close(): Promise<void>;
}
