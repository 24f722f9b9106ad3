import { describe, expect, it } from 'vitest';
import { createMemoryRateLimits } from './memory-rate-limits.ts';

const MIN = 60_000;
const T0 = Date.UTC(2026, 0, 5, 9, 0, 10);

describe('createMemoryRateLimits', () => {
  it('allows `limit` hits per key and window, then says when the window ends', async () => {
    const limits = createMemoryRateLimits();
    const opts = { limit: 2, windowMs: MIN };
    const hits = [];
    for (let i = 0; i < 3; i++) hits.push(await limits.hitRateLimit('login|a', T0, opts));
    expect(hits.map((h) => h.allowed)).toEqual([true, true, false]);
    expect(hits[2]?.retryAfterMs).toBe(MIN - 10_000);
    expect((await limits.hitRateLimit('login|b', T0, opts)).allowed).toBe(true);
    expect((await limits.hitRateLimit('mfa|a', T0, opts)).allowed).toBe(true);
  });

  it('starts a fresh count in the next window', async () => {
    const limits = createMemoryRateLimits();
    const opts = { limit: 1, windowMs: MIN };
    expect((await limits.hitRateLimit('k', T0, opts)).allowed).toBe(true);
    expect((await limits.hitRateLimit('k', T0 + 49_999, opts)).allowed).toBe(false);
    expect((await limits.hitRateLimit('k', T0 + 50_000, opts)).allowed).toBe(true);
  });

  it('forgets ended windows when pruned, and keeps the current ones', async () => {
    const limits = createMemoryRateLimits();
    const opts = { limit: 1, windowMs: MIN };
    await limits.hitRateLimit('old', T0, opts);
    await limits.hitRateLimit('current', T0 + MIN, opts);
    limits.prune(T0 + MIN);
    // The current window still counts after the prune; a pruned key starts afresh.
    expect((await limits.hitRateLimit('current', T0 + MIN, opts)).allowed).toBe(false);
    expect((await limits.hitRateLimit('old', T0 + MIN, opts)).allowed).toBe(true);
  });
});
