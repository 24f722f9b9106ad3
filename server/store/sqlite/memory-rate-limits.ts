import type { Store } from '../contract.ts';

/**
 * Per-address rate limits of the SQLite store, counted in memory. One server process owns an
 * SQLite file, so its memory is as shared as the table would be, and a hit costs a map lookup
 * instead of a write in the group commit on every login and code request. A restart forgets the
 * current windows (at most one window of extra requests); the per-user failure counters, which
 * do the real work against guessing, stay in the database.
 *
 * @example
 * const limits = createMemoryRateLimits();
 * const { allowed } = await limits.hitRateLimit('login|10.0.0.1', Date.now(), { limit: 60, windowMs: 60_000 });
 */
export function createMemoryRateLimits(): Pick<Store, 'hitRateLimit'> & {
  /** Forgets the windows that ended before `now`. */
  prune(now: number): void;
} {
  const windows = new Map<string, { end: number; count: number }>();
  let nextSweep = 0;

  const prune = (now: number) => {
    for (const [key, w] of windows) if (w.end <= now) windows.delete(key);
  };

  return {
    async hitRateLimit(key, now, { limit, windowMs }) {
      // Keys are per address and route: sweep ended windows now and then so the map stays small.
      if (now >= nextSweep) {
        prune(now);
        nextSweep = now + windowMs;
      }
      const start = Math.floor(now / windowMs) * windowMs;
      const end = start + windowMs;
      let w = windows.get(key);
      if (!w || w.end !== end) {
        w = { end, count: 0 };
        windows.set(key, w);
      }
      w.count += 1;
      const allowed = w.count <= limit;
      return { allowed, retryAfterMs: allowed ? 0 : end - now };
    },
    prune,
  };
}
