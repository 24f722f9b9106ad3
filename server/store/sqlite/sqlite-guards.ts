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
  CLEAR_LOGIN_FAILURES,
  CONSUME_CHALLENGE,
  INSERT_CHALLENGE,
  LOCK_LOGIN_AT_THRESHOLD,
  LOGIN_FAILURE_STATE,
  RELEASE_LOGIN_ATTEMPT,
  RESERVE_CHALLENGE_ATTEMPT,
  RESERVE_LOGIN_ATTEMPT,
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
  const lockLogin = statement<{ locked_until: number }>(db, LOCK_LOGIN_AT_THRESHOLD);
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
