/**
 * The per-address rate limit's rule, for both stores: a sliding window estimated from two fixed
 * ones. A key keeps the count of its current fixed window and of the one before; the hits "in
 * the last `windowMs`" are the current count plus the previous one weighted by how much of it
 * the sliding window still covers. Unlike fixed windows alone, a burst at the end of one window
 * and another at the start of the next cannot pass twice the limit (61 + 61 in 1.7 s did).
 */

/** A key's counts: its current fixed window's start, hits in it, and hits in the one before. */
export interface WindowCounts {
  windowStart: number;
  count: number;
  previous: number;
}

/**
 * The counts after one more hit at `now`: counted in the window containing `now`, the current
 * one becoming the previous when `now` has moved into the next window.
 *
 * @example counts = countHit(counts, Date.now(), 60_000);
 */
export function countHit(
  counts: WindowCounts | undefined,
  now: number,
  windowMs: number,
): WindowCounts {
  const windowStart = Math.floor(now / windowMs) * windowMs;
  if (counts?.windowStart === windowStart) return { ...counts, count: counts.count + 1 };
  const previous = counts?.windowStart === windowStart - windowMs ? counts.count : 0;
  return { windowStart, count: 1, previous };
}

/**
 * Whether the hit just counted is within `limit` in the last `windowMs`, and if not, how long
 * until one would be.
 *
 * @example const { allowed, retryAfterMs } = rateVerdict(counts, now, { limit: 60, windowMs: 60_000 });
 */
export function rateVerdict(
  { windowStart, count, previous }: WindowCounts,
  now: number,
  { limit, windowMs }: { limit: number; windowMs: number },
): { allowed: boolean; retryAfterMs: number } {
  const covered = 1 - (now - windowStart) / windowMs;
  if (previous * covered + count <= limit) return { allowed: true, retryAfterMs: 0 };
  // When one more hit would fit: within this window as the previous one slides out, or in the
  // next, as this one does (refused hits count too, so hammering pushes it back).
  const at =
    count + 1 <= limit && previous > 0
      ? windowStart + windowMs * (1 - (limit - count - 1) / previous)
      : windowStart + windowMs * (2 - (limit - 1) / count);
  return { allowed: false, retryAfterMs: Math.max(1, Math.ceil(at - now)) };
}
