import type { FailureKind, Store } from '../contract.ts';
import type { GuardMethods } from '../method-groups.ts';
import {
  CHALLENGE_CONTEXT_QUERY,
  type ChallengeContextValues,
  type ChallengeRow,
  type FailureRow,
  toChallenge,
  toChallengeContext,
  toFailureState,
} from '../rows.ts';
import type { Sql } from './pg-connection.ts';

/**
 * Failure counters, lockouts, rate limits and login challenges of the PostgreSQL store. Each
 * guarantee is one statement: an upsert or conditional UPDATE holds the row lock while it
 * computes the new value from the committed one, so concurrent callers on any number of
 * instances are counted one after another.
 */
export function pgGuards(sql: Sql): Pick<Store, GuardMethods> {
  // Refused without a lock: attempts in flight hold the budget; they end within a request.
  const refused = async (userId: number, kind: FailureKind, now: number) => {
    const [row] = await sql<FailureRow[]>`
      SELECT count, locked_until FROM failure_counters WHERE user_id = ${userId} AND kind = ${kind}`;
    const lockedUntil = row?.locked_until ?? null;
    const lockedFor = lockedUntil !== null && lockedUntil > now ? lockedUntil - now : 0;
    return { allowed: false as const, retryAfterMs: Math.max(lockedFor, 1000) };
  };

  return {
    async getFailureState(userId, kind) {
      const [row] = await sql<FailureRow[]>`
        SELECT count, locked_until FROM failure_counters WHERE user_id = ${userId} AND kind = ${kind}`;
      return toFailureState(row);
    },
    async reserveAttempt(userId, kind, now, { threshold }) {
      // The row lock taken by the upsert orders concurrent reservations: each sees the count
      // the previous one committed, so no more than `threshold` get through.
      const reserved = await sql`
        INSERT INTO failure_counters AS f (user_id, kind, count) VALUES (${userId}, ${kind}, 1)
        ON CONFLICT (user_id, kind) DO UPDATE SET count = f.count + 1
        WHERE (f.locked_until IS NULL OR f.locked_until <= ${now}) AND f.count < ${threshold}::int`;
      if (reserved.count === 1) return { allowed: true };
      return refused(userId, kind, now);
    },
    async recordFailure(userId, kind, now, { threshold, lockMs }) {
      // Locking and restarting the count in one statement: no concurrent reservation can slip
      // between the two. The count itself was taken by reserveAttempt.
      const [row] = await sql<FailureRow[]>`
        INSERT INTO failure_counters AS f (user_id, kind, count) VALUES (${userId}, ${kind}, 0)
        ON CONFLICT (user_id, kind) DO UPDATE SET
          count = CASE WHEN f.count >= ${threshold}::int THEN 0 ELSE f.count END,
          locked_until = CASE WHEN f.count >= ${threshold}::int THEN ${now + lockMs}::bigint
                              ELSE f.locked_until END
        RETURNING count, locked_until`;
      return toFailureState(row);
    },
    async clearFailures(userId, kind) {
      await sql`UPDATE failure_counters SET count = 0
                WHERE user_id = ${userId} AND kind = ${kind} AND count <> 0`;
    },
    async hitRateLimit(key, now, { limit, windowMs }) {
      const windowStart = Math.floor(now / windowMs) * windowMs;
      const [row] = await sql<{ count: number }[]>`
        INSERT INTO rate_limits AS r (key, window_start, window_end, count)
        VALUES (${key}, ${windowStart}, ${windowStart + windowMs}, 1)
        ON CONFLICT (key) DO UPDATE SET
          count = CASE WHEN r.window_start = excluded.window_start THEN r.count + 1 ELSE 1 END,
          window_start = excluded.window_start, window_end = excluded.window_end
        RETURNING count`;
      const count = row?.count ?? Number.POSITIVE_INFINITY;
      return {
        allowed: count <= limit,
        retryAfterMs: count <= limit ? 0 : windowStart + windowMs - now,
      };
    },
    async createChallenge(c) {
      await sql`
        INSERT INTO challenges (id, user_id, kind, binding, created_at, expires_at)
        VALUES (${c.id}, ${c.userId}, ${c.kind}, ${c.binding}, ${c.createdAt}, ${c.expiresAt})`;
    },
    async getChallenge(id) {
      const [r] = await sql<ChallengeRow[]>`SELECT * FROM challenges WHERE id = ${id}`;
      return r ? toChallenge(r) : null;
    },
    async getChallengeContext(id) {
      // One round trip instead of four (challenge, user, factor, recovery codes).
      const rows = await sql`${sql.unsafe(CHALLENGE_CONTEXT_QUERY)}${id}`.values();
      const [values] = rows as unknown as ChallengeContextValues[];
      return values ? toChallengeContext(values) : null;
    },
    async reserveChallengeAttempt(id, now, maxAttempts) {
      const result = await sql`
        UPDATE challenges SET attempts = attempts + 1
        WHERE id = ${id} AND consumed_at IS NULL AND expires_at > ${now}
          AND attempts < ${maxAttempts}`;
      return result.count === 1;
    },
    async consumeChallenge(id, now) {
      const result = await sql`
        UPDATE challenges SET consumed_at = ${now}
        WHERE id = ${id} AND consumed_at IS NULL AND expires_at > ${now}`;
      return result.count === 1;
    },
  };
}
