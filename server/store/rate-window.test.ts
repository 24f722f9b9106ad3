import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { countHit, rateVerdict, type WindowCounts } from './rate-window.ts';

const MIN = 60_000;
const T = 1_700_000_040_000; // 40 s into a minute

describe('the sliding rate window', () => {
  it('never lets twice the limit through across a window boundary', () => {
    const opts = { limit: 60, windowMs: MIN };
    let counts: WindowCounts | undefined;
    let allowed = 0;
    // 61 hits just before the minute turns, then 61 just after.
    const boundary = Math.ceil(T / MIN) * MIN;
    for (const at of [...Array(61).fill(boundary - 900), ...Array(61).fill(boundary + 800)]) {
      counts = countHit(counts, at, MIN);
      if (rateVerdict(counts, at, opts).allowed) allowed++;
    }
    expect(allowed).toBeLessThanOrEqual(61);
  });

  it('counts the previous window less as it slides out, and forgets older ones', () => {
    const a = countHit(undefined, T, MIN);
    expect(a).toMatchObject({ count: 1, previous: 0 });
    const b = countHit(a, T + MIN, MIN);
    expect(b).toMatchObject({ count: 1, previous: 1 });
    expect(countHit(b, T + 3 * MIN, MIN)).toMatchObject({ count: 1, previous: 0 });
  });

  it('allows no more than the limit in any window of windowMs, for any hit times', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 5 * MIN }), { minLength: 1, maxLength: 300 }),
        fc.integer({ min: 1, max: 20 }),
        (offsets, limit) => {
          const times = offsets.map((o) => T + o).sort((x, y) => x - y);
          const allowedAt: number[] = [];
          let counts: WindowCounts | undefined;
          for (const t of times) {
            counts = countHit(counts, t, MIN);
            if (rateVerdict(counts, t, { limit, windowMs: MIN }).allowed) allowedAt.push(t);
          }
          // The estimate is exact for hits spread evenly; bursts are held to twice the limit
          // at worst in any sliding minute, where fixed windows let through twice in a second.
          for (const t of allowedAt) {
            const within = allowedAt.filter((u) => u > t - MIN && u <= t).length;
            expect(within).toBeLessThanOrEqual(2 * limit);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('says when a refused client may try again, and that hit is then allowed', () => {
    const opts = { limit: 3, windowMs: MIN };
    let counts: WindowCounts | undefined;
    let verdict = { allowed: true, retryAfterMs: 0 };
    for (let i = 0; i < 4; i++) {
      counts = countHit(counts, T, MIN);
      verdict = rateVerdict(counts, T, opts);
    }
    expect(verdict.allowed).toBe(false);
    const retryAt = T + verdict.retryAfterMs;
    // The refused hit counted too; the next one at retryAt gets through.
    expect(rateVerdict(countHit(counts, retryAt, MIN), retryAt, opts).allowed).toBe(true);
    expect(rateVerdict(countHit(counts, retryAt - 2000, MIN), retryAt - 2000, opts).allowed).toBe(
      false,
    );
  });
});
