import type Database from 'better-sqlite3';
import type { Store } from '../contract.ts';
import type { GuardMethods } from '../method-groups.ts';
import { type ChallengeRow, type FailureRow, toChallenge, toFailureState } from '../rows.ts';
import type { Write } from './write-batch.ts';

/** Failure counters, lockouts, rate limits and login challenges of the SQLite store. */
export function sqliteGuards(db: Database.Database, write: Write): Pick<Store, GuardMethods> {
  const getFailures = db.prepare(
    'SELECT count, locked_until FROM failure_counters WHERE user_id = ? AND kind = ?',
  );
  // One conditional upsert decides, so concurrent reservations cannot overrun the threshold.
  const reserve = db.prepare(
    `INSERT INTO failure_counters (user_id, kind, count) VALUES (?, ?, 1)
     ON CONFLICT (user_id, kind) DO UPDATE SET count = count + 1
     WHERE count < ? AND (locked_until IS NULL OR locked_until <= ?)`,
  );
  const lock = db.prepare(
    `UPDATE failure_counters SET count = 0, locked_until = ?
     WHERE user_id = ? AND kind = ? AND count >= ? RETURNING count, locked_until`,
  );
  const clear = db.prepare(
    'UPDATE failure_counters SET count = 0 WHERE user_id = ? AND kind = ? AND count <> 0',
  );
  const hit = db.prepare(
    `INSERT INTO rate_limits (key, window_start, window_end, count) VALUES (?, ?, ?, 1)
     ON CONFLICT (key) DO UPDATE SET
       count = CASE WHEN window_start = excluded.window_start THEN count + 1 ELSE 1 END,
       window_start = excluded.window_start, window_end = excluded.window_end
     RETURNING count`,
  );
  const insertChallenge = db.prepare(
    `INSERT INTO challenges (id, user_id, kind, binding, created_at, expires_at)
     VALUES (?, ?, ?, ?, ?, ?)`,
  );
  const getChallenge = db.prepare('SELECT * FROM challenges WHERE id = ?');
  const reserveChallenge = db.prepare(
    `UPDATE challenges SET attempts = attempts + 1
     WHERE id = ? AND consumed_at IS NULL AND expires_at > ? AND attempts < ?`,
  );
  const consume = db.prepare(
    'UPDATE challenges SET consumed_at = ? WHERE id = ? AND consumed_at IS NULL AND expires_at > ?',
  );

  return {
    async getFailureState(userId, kind) {
      return toFailureState(getFailures.get(userId, kind) as FailureRow | undefined);
    },
    async reserveAttempt(userId, kind, now, { threshold }) {
      if (await write(() => reserve.run(userId, kind, threshold, now).changes === 1)) {
        return { allowed: true };
      }
      const row = toFailureState(getFailures.get(userId, kind) as FailureRow | undefined);
      const lockedFor =
        row.lockedUntil !== null && row.lockedUntil > now ? row.lockedUntil - now : 0;
      // Without a lock the budget is held by attempts still in flight: retry in a second.
      return { allowed: false, retryAfterMs: Math.max(lockedFor, 1000) };
    },
    async recordFailure(userId, kind, now, { threshold, lockMs }) {
      const locked = await write(
        () => lock.get(now + lockMs, userId, kind, threshold) as FailureRow | undefined,
      );
      return toFailureState(locked ?? (getFailures.get(userId, kind) as FailureRow | undefined));
    },
    async clearFailures(userId, kind) {
      await write(() => clear.run(userId, kind));
    },
    async hitRateLimit(key, now, { limit, windowMs }) {
      const windowStart = Math.floor(now / windowMs) * windowMs;
      const { count } = await write(
        () => hit.get(key, windowStart, windowStart + windowMs) as { count: number },
      );
      const allowed = count <= limit;
      return { allowed, retryAfterMs: allowed ? 0 : windowStart + windowMs - now };
    },
    async createChallenge(c) {
      await write(() =>
        insertChallenge.run(c.id, c.userId, c.kind, c.binding, c.createdAt, c.expiresAt),
      );
    },
    async getChallenge(id) {
      const r = getChallenge.get(id) as ChallengeRow | undefined;
      return r ? toChallenge(r) : null;
    },
    async reserveChallengeAttempt(id, now, maxAttempts) {
      return write(() => reserveChallenge.run(id, now, maxAttempts).changes === 1);
    },
    async consumeChallenge(id, now) {
      return write(() => consume.run(now, id, now).changes === 1);
    },
  };
}
