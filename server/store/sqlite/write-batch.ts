import type Database from 'better-sqlite3';

/**
 * Runs a write; the promise resolves once it is committed. A `fn` of several statements must
 * pass `{ atomic: true }` (its own savepoint); one statement is atomic by itself.
 */
export type Write = <T>(fn: () => T, opts?: { atomic?: boolean }) => Promise<T>;

/**
 * Group commit of SQLite writes: the first write in an event-loop turn opens a transaction
 * (`BEGIN IMMEDIATE`), every write of that turn runs inside it (a multi-statement one in its own
 * savepoint, so each stays atomic and one that throws is rolled back alone), and the transaction commits at
 * `setImmediate`. A write's promise resolves only after that COMMIT, so "resolved" still means
 * "committed"; under load dozens of requests share one commit instead of paying one each.
 * Reads on the same connection see the batch's writes at once.
 *
 * @example
 * const batch = createWriteBatch(db);
 * const ok = await batch.write(() => stmt.run(id).changes === 1);
 */
export function createWriteBatch(db: Database.Database): { write: Write; flush: () => void } {
  let open = false;
  let committed: Promise<void> = Promise.resolve();
  let settle: (error?: Error) => void = () => {};
  // Prepared once: db.transaction() would build a new wrapper on every call.
  const savepoint = db.prepare('SAVEPOINT write_op');
  const release = db.prepare('RELEASE write_op');
  const rollbackTo = db.prepare('ROLLBACK TO write_op');

  const flush = () => {
    if (!open) return;
    open = false;
    const done = settle;
    try {
      db.exec('COMMIT');
      done();
    } catch (error) {
      if (db.inTransaction) db.exec('ROLLBACK');
      done(error as Error);
    }
  };

  const begin = () => {
    db.exec('BEGIN IMMEDIATE');
    open = true;
    committed = new Promise<void>((resolve, reject) => {
      settle = (error) => (error ? reject(error) : resolve());
    });
    // A rejection is delivered to every writer of the batch through `committed`.
    committed.catch(() => undefined);
    setImmediate(flush);
  };

  const write: Write = async (fn, { atomic = false } = {}) => {
    if (!open) begin();
    // SQLite undoes a failed statement by itself; several statements need a savepoint to fail alone.
    if (!atomic) {
      const result = fn();
      await committed;
      return result;
    }
    savepoint.run();
    let result: ReturnType<typeof fn>;
    try {
      result = fn();
    } catch (error) {
      rollbackTo.run();
      release.run();
      throw error;
    }
    release.run();
    await committed;
    return result;
  };

  return { write, flush };
}
