import type Database from 'better-sqlite3';
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
import type { Write } from './write-batch.ts';

/**
 * Failure counters, lockouts and login challenges of the SQLite store (its rate limits are
 * counted in memory: see `memory-rate-limits.ts`).
 */
export function sqliteGuards(
  db: Database.Database,
  write: Write,
): Pick<Store, Exclude<GuardMethods, 'hitRateLimit'>> {
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
  const insertChallenge = db.prepare(
    `INSERT INTO challenges (id, user_id, kind, binding, created_at, expires_at)
     VALUES (?, ?, ?, ?, ?, ?)`,
  );
  const getChallenge = db.prepare('SELECT * FROM challenges WHERE id = ?');
  const getContext = db.prepare<[{ 1: string }], ChallengeContextRow>(CHALLENGE_CONTEXT_QUERY);
  const reserveChallenge = db.prepare(
    `UPDATE challenges SET attempts = attempts + 1
     WHERE id = ? AND consumed_at IS NULL AND expires_at > ? AND attempts < ?`,
  );
  const consume = db.prepare(
    'UPDATE challenges SET consumed_at = ? WHERE id = ? AND consumed_at IS NULL AND expires_at > ?',
  );

  // Without a lock the budget is held by attempts still in flight: retry in a second.
  const refused = (userId: number, kind: FailureKind, now: number) => {
    const row = toFailureState(getFailures.get(userId, kind) as FailureRow | undefined);
    const lockedFor = row.lockedUntil !== null && row.lockedUntil > now ? row.lockedUntil - now : 0;
    return { allowed: false as const, retryAfterMs: Math.max(lockedFor, 1000) };
  };

  return {
    async getFailureState(userId, kind) {
      return toFailureState(getFailures.get(userId, kind) as FailureRow | undefined);
    },
    async reserveAttempt(userId, kind, now, { threshold }) {
      if (await write(() => reserve.run(userId, kind, threshold, now).changes === 1)) {
        return { allowed: true };
      }
      return refused(userId, kind, now);
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
    async createChallenge(c) {
      await write(() =>
        insertChallenge.run(c.id, c.userId, c.kind, c.binding, c.createdAt, c.expiresAt),
      );
    },
    async getChallenge(id) {
      const r = getChallenge.get(id) as ChallengeRow | undefined;
      return r ? toChallenge(r) : null;
    },
    async getChallengeContext(id) {
      const row = getContext.get({ 1: id });
      return row ? toChallengeContext(row) : null;
    },
    async reserveChallengeAttempt(id, now, maxAttempts) {
      return write(() => reserveChallenge.run(id, now, maxAttempts).changes === 1);
    },
    async consumeChallenge(id, now) {
      return write(() => consume.run(now, id, now).changes === 1);
    },
  };
}
