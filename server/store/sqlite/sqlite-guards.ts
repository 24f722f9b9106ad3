import type Database from 'better-sqlite3';
import { refusal } from '../../../sdk/verifier/rules.ts';
import type { GuardStore } from '../contract.ts';
import {
  type ChallengeContextRow,
  type FailureRow,
  toChallengeContext,
  toFailureState,
} from '../rows.ts';
import {
  CHALLENGE_CONTEXT,
  CLEAR_FAILURES,
  CLEAR_LOGIN_FAILURES,
  CONSUME_CHALLENGE,
  FAILURE_STATE,
  INSERT_CHALLENGE,
  LOCK_AT_THRESHOLD,
  LOCK_LOGIN_AT_THRESHOLD,
  LOGIN_FAILURE_STATE,
  RELEASE_ATTEMPT,
  RELEASE_LOGIN_ATTEMPT,
  RESERVE_ATTEMPT,
  RESERVE_CHALLENGE_ATTEMPT,
  RESERVE_LOGIN_ATTEMPT,
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
  const loginFailures = statement<FailureRow>(db, LOGIN_FAILURE_STATE);
  const reserveLogin = statement(db, RESERVE_LOGIN_ATTEMPT);
  const lockLogin = statement<{ locked_until: number }>(db, LOCK_LOGIN_AT_THRESHOLD);
  const releaseLogin = statement(db, RELEASE_LOGIN_ATTEMPT);
  const clearLogin = statement(db, CLEAR_LOGIN_FAILURES);
  const insertChallenge = statement(db, INSERT_CHALLENGE);
  const context = statement<ChallengeContextRow>(db, CHALLENGE_CONTEXT);
  const reserveChallenge = statement(db, RESERVE_CHALLENGE_ATTEMPT);
  const consume = statement(db, CONSUME_CHALLENGE);

  return {
    async reserveAttempt(userId, kind, now, { threshold }) {
      if (await write(() => reserve.run(userId, kind, now, threshold).changes === 1)) {
        return { allowed: true };
      }
      return refusal(toFailureState(failures.get(userId, kind)).lockedUntil, now);
    },
    async recordFailure(userId, kind, now, { threshold, lockMs }) {
      const locked = await write(() => lock.get(userId, kind, threshold, now, lockMs));
      return { lockedUntil: locked?.locked_until ?? null };
    },
    async releaseAttempt(userId, kind) {
      await write(() => release.run(userId, kind));
    },
    async clearFailures(userId, kind) {
      await write(() => clear.run(userId, kind));
    },
    async reserveLoginAttempt(key, now, { threshold, forgetAt }) {
      if (await write(() => reserveLogin.run(key, now, threshold, forgetAt).changes === 1)) {
        return { allowed: true };
      }
      return refusal(toFailureState(loginFailures.get(key)).lockedUntil, now);
    },
    async recordLoginFailure(key, now, { threshold, lockMs, escalation }) {
      const locked = await write(() => lockLogin.get(key, threshold, now, lockMs, escalation));
      return { lockedUntil: locked?.locked_until ?? null };
    },
    async releaseLoginAttempt(key) {
      await write(() => releaseLogin.run(key));
    },
    async clearLoginFailures(key, now) {
      await write(() => clearLogin.run(key, now));
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
