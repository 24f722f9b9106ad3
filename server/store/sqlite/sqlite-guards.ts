import type Database from 'better-sqlite3';
import type { GuardStore } from '../contract.ts';
import { escalation, refusal } from '../lockout.ts';
import {
  type ChallengeContextRow,
  type FailureRow,
  toChallengeContext,
  toFailureState,
} from '../rows.ts';
import {
  CHALLENGE_CONTEXT,
  CLEAR_FAILURES,
  CONSUME_CHALLENGE,
  FAILURE_STATE,
  INSERT_CHALLENGE,
  LOCK_AT_THRESHOLD,
  RELEASE_ATTEMPT,
  RESERVE_ATTEMPT,
  RESERVE_CHALLENGE_ATTEMPT,
} from '../statements.ts';
import { statement } from './statement.ts';
import type { Write } from './write-batch.ts';

/**
 * Failure counters, lockouts and login challenges of the SQLite store (its rate limits are
 * counted in memory: see `memory-rate-limits.ts`). SQLite serialises writers, so each
 * conditional statement sees the count the previous one wrote.
 */
export function sqliteGuards(
  db: Database.Database,
  write: Write,
): Omit<GuardStore, 'hitRateLimit'> {
  const failures = statement<FailureRow>(db, FAILURE_STATE);
  const reserve = statement(db, RESERVE_ATTEMPT);
  const lock = statement<{ locked_until: number }>(db, LOCK_AT_THRESHOLD);
  const release = statement(db, RELEASE_ATTEMPT);
  const clear = statement(db, CLEAR_FAILURES);
  const insertChallenge = statement(db, INSERT_CHALLENGE);
  const context = statement<ChallengeContextRow>(db, CHALLENGE_CONTEXT);
  const reserveChallenge = statement(db, RESERVE_CHALLENGE_ATTEMPT);
  const consume = statement(db, CONSUME_CHALLENGE);

  return {
    async reserveAttempt(userId, kind, now, { threshold }) {
      if (await write(() => reserve.run(userId, kind, now, threshold).changes === 1)) {
        return { allowed: true };
      }
      return refusal(toFailureState(failures.get(userId, kind)), now);
    },
    async recordFailure(userId, kind, now, { threshold, lockMs }) {
      const locked = await write(() =>
        lock.get(userId, kind, threshold, now, lockMs, escalation(kind)),
      );
      return { lockedUntil: locked?.locked_until ?? null };
    },
    async releaseAttempt(userId, kind) {
      await write(() => release.run(userId, kind));
    },
    async clearFailures(userId, kind) {
      await write(() => clear.run(userId, kind));
    },
    async createChallenge(c) {
      await write(() =>
        insertChallenge.run(c.id, c.userId, c.kind, c.binding, c.createdAt, c.expiresAt),
      );
    },
    async getChallengeContext(id) {
      const row = context.get(id);
      return row ? toChallengeContext(row) : null;
    },
    async reserveChallengeAttempt(id, now, maxAttempts) {
      return write(() => reserveChallenge.run(id, now, maxAttempts).changes === 1);
    },
    async consumeChallenge(id, now) {
      return write(() => consume.run(id, now).changes === 1);
    },
  };
}
