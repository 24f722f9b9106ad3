import { describe, expect, it } from 'vitest';
import { createMemoryRateLimits } from './memory-rate-limits.ts';

const MIN = 60_000;
const T0 = Date.UTC(2026, 0, 5, 9, 0, 10);

describe('createMemoryRateLimits', () => {
  it('allows `limit` hits per key, then says when one more will fit', async () => {
    const limits = createMemoryRateLimits();
    const opts = { limit: 2, windowMs: MIN };
    const hits = [];
    for (let i = 0; i < 3; i++) hits.push(await limits.hitRateLimit('login|a', T0, opts));
    expect(hits.map((h) => h.allowed)).toEqual([true, true, false]);
    const retry = hits[2]!.retryAfterMs;
    expect(retry).toBeGreaterThan(MIN - 10_000);
    expect((await limits.hitRateLimit('login|b', T0, opts)).allowed).toBe(true);
    expect((await limits.hitRateLimit('mfa|a', T0, opts)).allowed).toBe(true);
    expect((await limits.hitRateLimit('login|a', T0 + retry, opts)).allowed).toBe(true);
  });

  it('keeps counting a burst from the end of one window into the next', async () => {
    const limits = createMemoryRateLimits();
    const opts = { limit: 1, windowMs: MIN };
    expect((await limits.hitRateLimit('k', T0 + 49_000, opts)).allowed).toBe(true);
    // A fixed window would start again at T0 + 50 000.
    expect((await limits.hitRateLimit('k', T0 + 51_000, opts)).allowed).toBe(false);
    expect((await limits.hitRateLimit('k', T0 + 50_000 + 2 * MIN, opts)).allowed).toBe(true);
  });

  it('forgets keys when pruned two windows on, and keeps the ones that still weigh', async () => {
    const limits = createMemoryRateLimits();
    const opts = { limit: 1, windowMs: MIN };
    await limits.hitRateLimit('old', T0, opts);
    await limits.hitRateLimit('recent', T0 + MIN, opts);
    limits.prune(T0 + 2 * MIN);
    // 'recent' is still the previous window of T0 + 2 min and weighs; 'old' starts afresh.
    expect((await limits.hitRateLimit('recent', T0 + 2 * MIN - 10_000, opts)).allowed).toBe(false);
    expect((await limits.hitRateLimit('old', T0 + 2 * MIN, opts)).allowed).toBe(true);
  });
});
