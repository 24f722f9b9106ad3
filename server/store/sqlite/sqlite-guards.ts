import type Database from 'better-sqlite3';
import { lockWhenFull, refusal } from '../../../sdk/verifier/rules.ts';
import type { GuardStore } from '../contract.ts';
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
import { statement } from './statement.ts';
import type { Write } from './write-batch.ts';

/**
 * Password counters and login challenges of the SQLite store (its rate limits are
 * counted in memory: see `memory-rate-limits.ts`). SQLite serialises writers, so each
 * conditional statement sees the count the previous one wrote.
 */
export function sqliteGuards(
  db: Database.Database,
  write: Write,
): Omit<GuardStore, 'hitRateLimit'> {
  const loginFailures = statement<FailureRow>(db, LOGIN_FAILURE_STATE);
  const reserveLogin = statement(db, RESERVE_LOGIN_ATTEMPT);
  const setLoginCounter = statement(db, SET_LOGIN_COUNTER);
  const releaseLogin = statement(db, RELEASE_LOGIN_ATTEMPT);
  const clearLogin = statement(db, CLEAR_LOGIN_FAILURES);
  const insertChallenge = statement(db, INSERT_CHALLENGE);
  const context = statement<ChallengeContextRow>(db, CHALLENGE_CONTEXT);
  const reserveChallenge = statement(db, RESERVE_CHALLENGE_ATTEMPT);
  const consume = statement(db, CONSUME_CHALLENGE);

  return {
    async reserveLoginAttempt(key, now, { threshold, forgetAt }) {
      if (await write(() => reserveLogin.run(key, now, threshold, forgetAt).changes === 1)) {
        return { allowed: true };
      }
      return refusal(toFailureState(loginFailures.get(key)).lockedUntil, now);
    },
    async recordLoginFailure(key, now, limits) {
      // Read, decided and written in one synchronous write: nothing runs in between.
      const lockedUntil = await write(
        () => {
          const row = loginFailures.get(key);
          if (!row) return null;
          const next = lockWhenFull(counterOf(row), now, limits);
          if (!next.lockedNow) return null;
          setLoginCounter.run(key, next.failures, next.locks, next.lockedUntil);
          return next.lockedUntil;
        },
        { atomic: true },
      );
      return { lockedUntil };
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
