import type { FailureKind, Store } from '../contract.ts';
import type { GuardMethods } from '../method-groups.ts';
import {
  CHALLENGE_CONTEXT_QUERY,
  type ChallengeContextRow,
  type ChallengeRow,
  type FailureRow,
  toChallenge,
  toChallengeContext,
  toFailureState,
} from '../rows.ts';
import { type Pool, query } from './pg-connection.ts';

const FAILURE_STATE =
  'SELECT count, locked_until FROM failure_counters WHERE user_id = $1 AND kind = $2';

/**
 * Failure counters, lockouts, rate limits and login challenges of the PostgreSQL store. Each
 * guarantee is one statement: an upsert or conditional UPDATE holds the row lock while it
 * computes the new value from the committed one, so concurrent callers on any number of
 * instances are counted one after another.
 */
export function pgGuards(pool: Pool): Pick<Store, GuardMethods> {
  // Refused without a lock: attempts in flight hold the budget; they end within a request.
  const refused = async (userId: number, kind: FailureKind, now: number) => {
    const { rows } = await query<FailureRow>(pool, FAILURE_STATE, [userId, kind]);
    const lockedUntil = rows[0]?.locked_until ?? null;
    const lockedFor = lockedUntil !== null && lockedUntil > now ? lockedUntil - now : 0;
    return { allowed: false as const, retryAfterMs: Math.max(lockedFor, 1000) };
  };

  return {
    async getFailureState(userId, kind) {
      const { rows } = await query<FailureRow>(pool, FAILURE_STATE, [userId, kind]);
      return toFailureState(rows[0]);
    },
    async reserveAttempt(userId, kind, now, { threshold }) {
      // The row lock taken by the upsert orders concurrent reservations: each sees the count
      // the previous one committed, so no more than `threshold` get through.
      const reserved = await query(
        pool,
        `INSERT INTO failure_counters AS f (user_id, kind, count) VALUES ($1, $2, 1)
         ON CONFLICT (user_id, kind) DO UPDATE SET count = f.count + 1
         WHERE (f.locked_until IS NULL OR f.locked_until <= $3) AND f.count < $4`,
        [userId, kind, now, threshold],
      );
      if (reserved.rowCount === 1) return { allowed: true };
      return refused(userId, kind, now);
    },
    async recordFailure(userId, kind, now, { threshold, lockMs }) {
      // Locking and restarting the count in one statement: no concurrent reservation can slip
      // between the two. The count itself was taken by reserveAttempt.
      const { rows } = await query<FailureRow>(
        pool,
        `INSERT INTO failure_counters AS f (user_id, kind, count) VALUES ($1, $2, 0)
         ON CONFLICT (user_id, kind) DO UPDATE SET
           count = CASE WHEN f.count >= $3 THEN 0 ELSE f.count END,
           locked_until = CASE WHEN f.count >= $3 THEN $4 ELSE f.locked_until END
         RETURNING count, locked_until`,
        [userId, kind, threshold, now + lockMs],
      );
      return toFailureState(rows[0]);
    },
    async clearFailures(userId, kind) {
      await query(
        pool,
        'UPDATE failure_counters SET count = 0 WHERE user_id = $1 AND kind = $2 AND count <> 0',
        [userId, kind],
      );
    },
    async hitRateLimit(key, now, { limit, windowMs }) {
      const windowStart = Math.floor(now / windowMs) * windowMs;
      const { rows } = await query<{ count: number }>(
        pool,
        `INSERT INTO rate_limits AS r (key, window_start, window_end, count) VALUES ($1, $2, $3, 1)
         ON CONFLICT (key) DO UPDATE SET
           count = CASE WHEN r.window_start = excluded.window_start THEN r.count + 1 ELSE 1 END,
           window_start = excluded.window_start, window_end = excluded.window_end
         RETURNING count`,
        [key, windowStart, windowStart + windowMs],
      );
      const count = rows[0]?.count ?? Number.POSITIVE_INFINITY;
      return {
        allowed: count <= limit,
        retryAfterMs: count <= limit ? 0 : windowStart + windowMs - now,
      };
    },
    async createChallenge(c) {
      await query(
        pool,
        `INSERT INTO challenges (id, user_id, kind, binding, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6)`,
        [c.id, c.userId, c.kind, c.binding, c.createdAt, c.expiresAt],
      );
    },
    async getChallenge(id) {
      const { rows } = await query<ChallengeRow>(pool, 'SELECT * FROM challenges WHERE id = $1', [
        id,
      ]);
      return rows[0] ? toChallenge(rows[0]) : null;
    },
    async getChallengeContext(id) {
      // One round trip instead of four (challenge, user, factor, recovery codes).
      const { rows } = await query<ChallengeContextRow>(pool, CHALLENGE_CONTEXT_QUERY, [id]);
      return rows[0] ? toChallengeContext(rows[0]) : null;
    },
    async reserveChallengeAttempt(id, now, maxAttempts) {
      const result = await query(
        pool,
        `UPDATE challenges SET attempts = attempts + 1
         WHERE id = $1 AND consumed_at IS NULL AND expires_at > $2 AND attempts < $3`,
        [id, now, maxAttempts],
      );
      return result.rowCount === 1;
    },
    async consumeChallenge(id, now) {
      const result = await query(
        pool,
        'UPDATE challenges SET consumed_at = $2 WHERE id = $1 AND consumed_at IS NULL AND expires_at > $2',
        [id, now],
      );
      return result.rowCount === 1;
    },
  };
}
