import { lockWhenFull, refusal } from '../../../sdk/verifier/rules.ts';
import type { GuardStore } from '../contract.ts';
import { rateVerdict } from '../rate-window.ts';
import {
  type ChallengeContextRow,
  counterOf,
  type FailureRow,
  toChallengeContext,
  toFailureState,
} from '../rows.ts';
import {
  CHALLENGE_CONTEXT,
  CLEAR_LOGIN_FAILURES,
  CONSUME_CHALLENGE,
  INSERT_CHALLENGE,
  LOGIN_FAILURE_STATE,
  RELEASE_LOGIN_ATTEMPT,
  RESERVE_CHALLENGE_ATTEMPT,
  RESERVE_LOGIN_ATTEMPT,
  SET_LOGIN_COUNTER,
} from '../statements.ts';
import { type Pool, query, transaction } from './pg-connection.ts';

/**
 * Password counters, rate limits and login challenges of the PostgreSQL store. Each
 * guarantee is one statement: an upsert or conditional UPDATE holds the row lock while it
 * computes the new value from the committed one, so concurrent callers on any number of
 * instances are counted one after another.
 */
export function pgGuards(pool: Pool): GuardStore {
  return {
    async reserveLoginAttempt(key, now, { threshold, forgetAt }) {
      const reserved = await query(pool, RESERVE_LOGIN_ATTEMPT, [key, now, threshold, forgetAt]);
      if (reserved.rowCount === 1) return { allowed: true };
      const { rows } = await query<FailureRow>(pool, LOGIN_FAILURE_STATE, [key]);
      return refusal(toFailureState(rows[0]).lockedUntil, now);
    },
    async recordLoginFailure(key, now, limits) {
      const lockedUntil = await transaction(pool, async (tx) => {
        // The row stays locked until commit: two failures never both take the lock.
        const { rows } = await query<FailureRow>(tx, `${LOGIN_FAILURE_STATE} FOR UPDATE`, [key]);
        if (!rows[0]) return null;
        const next = lockWhenFull(counterOf(rows[0]), now, limits);
        if (!next.lockedNow) return null;
        await query(tx, SET_LOGIN_COUNTER, [key, next.failures, next.locks, next.lockedUntil]);
        return next.lockedUntil;
      });
      return { lockedUntil };
    },
    async releaseLoginAttempt(key) {
      await query(pool, RELEASE_LOGIN_ATTEMPT, [key]);
    },
    async clearLoginFailures(key, now) {
      await query(pool, CLEAR_LOGIN_FAILURES, [key, now]);
    },
    async hitRateLimit(key, now, opts) {
      // Shared by every instance, so counted in a table (SQLite counts in memory). The upsert
      // moves the key to the window containing `now` as countHit does, under the row's lock.
      const windowStart = Math.floor(now / opts.windowMs) * opts.windowMs;
      const { rows } = await query<{ count: number; prev_count: number }>(
        pool,
        `INSERT INTO rate_limits AS r (key, window_start, window_end, count, prev_count)
         VALUES ($1, $2, $3, 1, 0)
         ON CONFLICT (key) DO UPDATE SET
           prev_count = CASE WHEN r.window_start = excluded.window_start THEN r.prev_count
                             WHEN r.window_end = excluded.window_start THEN r.count ELSE 0 END,
           count = CASE WHEN r.window_start = excluded.window_start THEN r.count + 1 ELSE 1 END,
           window_start = excluded.window_start, window_end = excluded.window_end
         RETURNING count, prev_count`,
        [key, windowStart, windowStart + opts.windowMs],
      );
      const row = rows[0] ?? { count: Number.POSITIVE_INFINITY, prev_count: 0 };
      return rateVerdict({ windowStart, count: row.count, previous: row.prev_count }, now, opts);
    },
    async createChallenge(c) {
      await query(pool, INSERT_CHALLENGE, [
        c.id,
        c.userId,
        c.kind,
        c.binding,
        c.createdAt,
        c.expiresAt,
      ]);
    },
    async getChallengeContext(id) {
      // One round trip instead of four (challenge, user, factor, recovery codes).
      const { rows } = await query<ChallengeContextRow>(pool, CHALLENGE_CONTEXT, [id]);
      return rows[0] ? toChallengeContext(rows[0]) : null;
    },
    async reserveChallengeAttempt(id, now, maxAttempts) {
      const result = await query(pool, RESERVE_CHALLENGE_ATTEMPT, [id, now, maxAttempts]);
      return result.rowCount === 1;
    },
    async consumeChallenge(id, now) {
      return (await query(pool, CONSUME_CHALLENGE, [id, now])).rowCount === 1;
    },
  };
}
