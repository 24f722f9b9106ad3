// The SQLite store's read thread (see read-thread.ts): a read-only connection to the store's
// file that runs the statements that can read many rows (listings, search, the audit log), so
// they never hold the event loop the sign-ins run on. Plain JavaScript: a worker thread does not
// inherit the TypeScript loader of its parent.
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

// On Linux a thread has its own nice value: this one yields the CPU to the event loop's thread,
// so on a busy machine sign-ins go first and admin reads take what is left.
try {
  const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
  if (Number.isInteger(tid)) setPriority(tid, 10);
} catch {
  // Not Linux, or not allowed: the thread runs at the process's priority.
}

const db = new Database(workerData.path, { readonly: true, fileMustExist: true });
db.pragma('busy_timeout = 5000');
db.pragma('mmap_size = 1073741824');
/** @type {Map<string, Database.Statement>} */
const prepared = new Map();

parentPort?.on('message', (/** @type {{ id: number, text: string, values: unknown[] }} */ m) => {
  try {
    let statement = prepared.get(m.text);
    if (!statement) {
      statement = db.prepare(m.text);
      prepared.set(m.text, statement);
    }
    // `$1`, `$2`… are named parameters "1", "2"… to SQLite (as in statement.ts).
    /** @type {Record<number, unknown>} */
    const named = {};
    m.values.forEach((v, i) => {
      named[i + 1] = v;
    });
    const rows = m.values.length > 0 ? statement.all(named) : statement.all();
    parentPort?.postMessage({ id: m.id, rows });
  } catch (error) {
    const e = /** @type {Error & { code?: string }} */ (error);
    parentPort?.postMessage({ id: m.id, error: { message: e.message, code: e.code } });
  }
});
