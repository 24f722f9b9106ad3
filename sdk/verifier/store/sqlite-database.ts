import { resolve } from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import type { Decision, FactorRow, Flow } from './flow.ts';
import {
  MIGRATION_APPLIED,
  MIGRATIONS_TABLE,
  RECORD_MIGRATION,
  verifierMigrations,
} from './migrations.ts';
import { missingDriver } from './missing-driver.ts';
import type { SqlDatabase } from './sql-database.ts';
import { FACTOR_SNAPSHOT, RECOVERY_CODE_USED_AT } from './statements.ts';

const queues = new Map<string | symbol, Promise<unknown>>();

/** The verifier's flows and migrations on a better-sqlite3 connection, all synchronous. */
export interface SqliteFlowRunner {
  /**
   * Reads the user's row, decides and writes: inside the caller's transaction, which must hold
   * the write lock (`BEGIN IMMEDIATE`) so nothing changes the row between the read and the writes.
   */
  decide<T>(flow: Flow<T>): Decision<T>;
  /** Applies the verifier's migrations the file has not seen, each in its own transaction. */
  migrate(): number[];
  /** Applies one migration unless recorded, with its record, in one transaction. */
  applyMigration(version: number, name: string, script: string): boolean;
  /** Runs a read of `statements.ts` (numbered parameters). */
  rows<R>(text: string, values: unknown[]): R[];
}

/**
 * The verifier's statements on a connection the caller owns: the verifier's own (`openSqlite`),
 * or an application's that runs the flows inside its own transactions (the BMS server's store).
 *
 * @example const runner = sqliteFlowRunner(db); db.transaction(() => runner.decide(flow)).immediate();
 */
export function sqliteFlowRunner(db: BetterSqlite3.Database): SqliteFlowRunner {
  const prepared = new Map<string, BetterSqlite3.Statement>();
  const prepare = (text: string) => {
    let statement = prepared.get(text);
    if (!statement) {
      statement = db.prepare(text);
      prepared.set(text, statement);
    }
    return statement;
  };
  // SQLite reads `$1` as a parameter named "1", which better-sqlite3 binds from the key `1`.
  const bind = (values: unknown[]) =>
    values.length === 0 ? [] : [Object.fromEntries(values.map((v, i) => [i + 1, v]))];

  const applyOne = db.transaction((version: number, name: string, script: string): boolean => {
    db.exec(MIGRATIONS_TABLE);
    if (prepare(MIGRATION_APPLIED).get(...bind([version]))) return false;
    db.exec(script);
    prepare(RECORD_MIGRATION).run(...bind([version, name, Date.now()]));
    return true;
  });

  const applyMigration = (version: number, name: string, script: string) =>
    applyOne.immediate(version, name, script);
  return {
    applyMigration,
    decide<T>(flow: Flow<T>): Decision<T> {
      const factor = prepare(FACTOR_SNAPSHOT).get(...bind([flow.userId])) as FactorRow | undefined;
      const recovery =
        flow.recoveryHash === null
          ? undefined
          : (prepare(RECOVERY_CODE_USED_AT).get(...bind([flow.userId, flow.recoveryHash])) as
              | { used_at: number | null }
              | undefined);
      const decision = flow.decide({ factor, recoveryUsedAt: recovery?.used_at });
      for (const write of decision.writes) prepare(write.text).run(...bind(write.values));
      return decision;
    },
    migrate() {
      const applied: number[] = [];
      for (const { version, name, script } of verifierMigrations('sqlite')) {
        if (applyMigration(version, name, script)) applied.push(version);
      }
      return applied;
    },
    rows: <R>(text: string, values: unknown[]) => prepare(text).all(...bind(values)) as R[],
  };
}

/**
 * The verifier's SQLite connection: WAL with `synchronous = FULL`, so every commit is on disk
 * before it resolves. A flow runs as one synchronous `BEGIN IMMEDIATE` transaction, so it holds
 * SQLite's write lock only while it runs, never across an `await`: another connection of this
 * process (the application's own, on the same file) never waits on a lock this event loop holds.
 * Other processes wait for the lock up to `busy_timeout`.
 *
 * @example const db = await openSqlite('/var/lib/app/mfa.db');
 */
export async function openSqlite(path: string): Promise<SqlDatabase> {
  // Loaded only when SQLite is used: a PostgreSQL deployment need not install it.
  const { default: Database } = await import('better-sqlite3').catch((error: unknown) => {
    throw missingDriver('better-sqlite3', error);
  });
  const db: BetterSqlite3.Database = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 5000');
  const runner = sqliteFlowRunner(db);

  // Verifiers of this process on one file take turns (a queue per file), so one's flow never
  // starts while another's statement of the same file is mid-way.
  const file = path === ':memory:' || path === '' ? Symbol(path) : resolve(path);
  const queued = <T>(work: () => T): Promise<T> => {
    const run = (queues.get(file) ?? Promise.resolve()).then(work);
    queues.set(
      file,
      run.catch(() => undefined),
    );
    return run;
  };
  const runFlow = db.transaction((flow: Flow<unknown>) => runner.decide(flow));
  return {
    dialect: 'sqlite',
    // better-sqlite3's transaction wrapper is not generic: the flow's own type comes back out.
    run: <T>(flow: Flow<T>) => queued(() => runFlow.immediate(flow) as Decision<T>),
    rows: <R>(text: string, values: unknown[]) => queued(() => runner.rows<R>(text, values)),
    migrate: (version, name, script) => queued(() => runner.applyMigration(version, name, script)),
    async close() {
      await queues.get(file);
      db.close();
    },
  };
}
