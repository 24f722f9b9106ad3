import { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';
import type { RunRows } from '../user-page.ts';
import { statement } from './statement.ts';

/** Where the SQLite store runs its reads of many rows: {@link openReadThread}. */
export interface ReadThread {
  rows: RunRows;
  close(): Promise<void>;
}

type Answer =
  | { id: number; rows: unknown[] }
  | { id: number; error: { message: string; code?: string } };

/**
 * The one way the SQLite store keeps admin reads (listings, search, the audit log) off the event
 * loop: a worker thread with its own read-only connection to the file, which WAL lets read
 * beside the writer, each statement in its own snapshot. Those statements are bounded by their
 * indexes too, but a page of a rare filter can still read thousands of rows; on the worker, a
 * sign-in never waits behind one. A write's promise resolves after its commit, so a read sent
 * after it sees it. An in-memory database (tests) cannot be opened twice: it reads inline.
 *
 * @example
 * const reads = openReadThread(db, 'data/mfa.db');
 * const rows = await reads.rows<{ id: number }>('SELECT id FROM users WHERE id > $1', [0]);
 */
export function openReadThread(db: Database.Database, path: string): ReadThread {
  if (path === ':memory:') return inline(db);
  const worker = new Worker(new URL('./read-worker.js', import.meta.url), { workerData: { path } });
  const pending = new Map<
    number,
    { resolve: (rows: unknown[]) => void; reject: (e: Error) => void }
  >();
  let next = 0;
  let failed: Error | null = null;
  const failAll = (error: Error) => {
    failed = error;
    for (const p of pending.values()) p.reject(error);
    pending.clear();
  };
  worker.on('message', (answer: Answer) => {
    const p = pending.get(answer.id);
    if (!p) return;
    pending.delete(answer.id);
    if (pending.size === 0) worker.unref();
    if ('rows' in answer) p.resolve(answer.rows);
    else p.reject(Object.assign(new Error(answer.error.message), { code: answer.error.code }));
  });
  worker.on('error', failAll);
  worker.on('exit', () => failAll(failed ?? new Error('the SQLite read thread has stopped')));
  // An idle read thread must not keep the process alive on its own; one with reads in flight does.
  worker.unref();
  return {
    rows: <R>(text: string, values: unknown[]) =>
      new Promise<R[]>((resolve, reject) => {
        if (failed) return reject(failed);
        const id = next++;
        pending.set(id, { resolve: resolve as (rows: unknown[]) => void, reject });
        worker.ref();
        worker.postMessage({ id, text, values });
      }),
    async close() {
      await worker.terminate();
    },
  };
}

function inline(db: Database.Database): ReadThread {
  const prepared = new Map<string, ReturnType<typeof statement>>();
  return {
    rows: async <R>(text: string, values: unknown[]) => {
      let s = prepared.get(text);
      if (!s) {
        s = statement(db, text);
        prepared.set(text, s);
      }
      return s.all(...values) as R[];
    },
    close: async () => {},
  };
}
