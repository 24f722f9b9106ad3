/**
 * Group commit for SQLite in WAL mode with `synchronous=NORMAL`: a write is already in the WAL
 * (in the page cache) when its statement returns; calling the barrier returns a promise that
 * resolves once an fsync that *started after the call* has finished, so the write is on disk.
 * Many concurrent callers share one fsync, which runs on libuv's thread pool instead of blocking
 * the event loop — the same durability as `synchronous=FULL` for the writes that wait on it, at a
 * fraction of the cost under load.
 *
 * @param fsyncOnce flushes the WAL file to stable storage once
 * @example
 * const durable = createDurableBarrier(() => walHandle.sync());
 * stmt.run(...); await durable(); // now answer "accepted"
 */
export function createDurableBarrier(fsyncOnce: () => Promise<void>): () => Promise<void> {
  let current: Promise<void> | null = null;
  let queued: Promise<void> | null = null;

  const start = (): Promise<void> => {
    const run: Promise<void> = fsyncOnce().finally(() => {
      if (current === run) current = null;
    });
    current = run;
    return run;
  };

  return () => {
    if (!current) return start();
    // An fsync is running but may have started before our write: wait for the next one.
    queued ??= current
      .catch(() => undefined)
      .then(() => {
        queued = null;
        return start();
      });
    return queued;
  };
}
