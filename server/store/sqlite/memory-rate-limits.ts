import type { Store } from '../contract.ts';
import { countHit, rateVerdict, type WindowCounts } from '../rate-window.ts';

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
  /** Forgets the keys whose counts no longer matter at `now` (both windows over). */
  prune(now: number): void;
} {
  const keys = new Map<string, { counts: WindowCounts; windowMs: number }>();
  let nextSweep = 0;

  const prune = (now: number) => {
    for (const [key, k] of keys) {
      if (k.counts.windowStart + 2 * k.windowMs <= now) keys.delete(key);
    }
  };

  return {
    async hitRateLimit(key, now, opts) {
      // Keys are per address and route: sweep stale ones now and then so the map stays small.
      if (now >= nextSweep) {
        prune(now);
        nextSweep = now + opts.windowMs;
      }
      const counts = countHit(keys.get(key)?.counts, now, opts.windowMs);
      keys.set(key, { counts, windowMs: opts.windowMs });
      return rateVerdict(counts, now, opts);
    },
    prune,
  };
}
