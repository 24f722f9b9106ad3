import {
  type CodeAttemptStateRow,
  type CodeVerdict,
  hasFailures,
  refusalBeforeCheck,
} from '../code-attempt-state.ts';
import type { CodeAttempt, CodeAttemptOutcome, FactorStore } from '../contract.ts';
import {
  ADVANCE_LAST_STEP,
  CLEAR_FAILURES,
  CODE_ATTEMPT_STATE,
  CONSUME_CHALLENGE,
  CONSUME_RECOVERY_CODE,
  COUNT_CHALLENGE_ATTEMPT,
  COUNT_FAILURE,
  DELETE_SESSION,
  INSERT_AUDIT,
  INSERT_SESSION,
  LOCK_AT_THRESHOLD,
  RECOVERY_CODE_USED_AT,
} from '../statements.ts';
import { lockUser, type Pool, query, type Tx, transaction } from './pg-connection.ts';

/** Thrown inside the transaction to roll a success back when its challenge ended meanwhile. */
class ChallengeEnded extends Error {}

/**
 * `attemptCodeLogin` of the PostgreSQL store: one transaction that first locks the user's row, so
 * the code attempts of one user queue there, on every instance, and each reads what the previous
 * one committed. It then reads the challenge, the failure count and the step, checks the code (a
 * TOTP code's replay guard, or a recovery code's single use) and writes what SQLite's synchronous
 * decision writes; a challenge ended meanwhile (by a path that does not take the lock) rolls the
 * success back. No attempt is reserved before its code is checked, so wrong codes still in
 * flight cannot hold the budget and turn a right one away. The commit is durable before it
 * resolves.
 */
export function pgCodeLogin(pool: Pool): Pick<FactorStore, 'attemptCodeLogin'> {
  /** The success's writes after the code was used; a challenge ended meanwhile rolls all back. */
  const signIn = async (
    tx: Tx,
    { challengeId, now, session: s, endSessionId, audit }: CodeAttempt,
    clearFailures: boolean,
  ) => {
    const consumed = await query(tx, CONSUME_CHALLENGE, [challengeId, now]);
    if (consumed.rowCount !== 1) throw new ChallengeEnded();
    if (clearFailures) {
      await query(tx, CLEAR_FAILURES, [s.userId, 'mfa']);
    }
    await query(tx, INSERT_SESSION, [s.id, s.userId, s.createdAt, s.expiresAt, s.ip]);
    if (endSessionId !== undefined) await query(tx, DELETE_SESSION, [endSessionId]);
    for (const e of audit) {
      await query(tx, INSERT_AUDIT, [e.at, e.actor, e.action, e.target, e.ip]);
    }
  };
  return {
    async attemptCodeLogin(a) {
      try {
        return await transaction(pool, (tx) => decide(tx, a));
      } catch (error) {
        if (error instanceof ChallengeEnded) return { outcome: 'challenge_ended' };
        throw error;
      }
    },
  };

  async function decide(tx: Tx, a: CodeAttempt): Promise<CodeAttemptOutcome> {
    await lockUser(tx, a.userId);
    // A statement of its own, so it reads what was committed while this one waited for the lock.
    const {
      rows: [state],
    } = await query<CodeAttemptStateRow>(tx, CODE_ATTEMPT_STATE, [
      a.userId,
      a.factorId,
      a.challengeId,
    ]);
    if (!state) return { outcome: 'challenge_ended' };
    const refused = refusalBeforeCheck(state, a);
    if (refused) return refused;
    const checked = state.factor_id === null ? 'wrong' : await verdict(tx, a, state.last_step);
    if (checked === 'valid') {
      await signIn(tx, a, hasFailures(state));
      return { outcome: 'ok' };
    }
    await query(tx, COUNT_CHALLENGE_ATTEMPT, [a.challengeId]);
    if (checked === 'replayed') return { outcome: 'replayed' };
    // Counted on the committed value, under the counter's row lock until commit: the other
    // code paths (set-up, disable, regeneration) reserve attempts without taking the user's lock.
    await query(tx, COUNT_FAILURE, [a.userId, 'mfa']);
    const {
      rows: [after],
    } = await query<{ locked_until: number }>(tx, LOCK_AT_THRESHOLD, [
      a.userId,
      'mfa',
      a.threshold,
      a.now,
      a.lockMs,
    ]);
    return { outcome: 'wrong', lockedUntil: after?.locked_until ?? null };
  }

  /** The replay guard of a TOTP code, or the single use of a recovery code. */
  async function verdict(tx: Tx, a: CodeAttempt, lastStep: number | null): Promise<CodeVerdict> {
    if (a.code.kind === 'totp') {
      const checked = a.code.check(lastStep);
      if (checked.result !== 'valid') return checked.result;
      const advanced = await query(tx, ADVANCE_LAST_STEP, [a.factorId, checked.step]);
      return advanced.rowCount === 1 ? 'valid' : 'replayed';
    }
    if (a.code.hash === null) return 'wrong';
    const used = await query(tx, CONSUME_RECOVERY_CODE, [a.userId, a.code.hash, a.now]);
    if (used.rowCount === 1) return 'valid';
    const { rows } = await query<{ used_at: number | null }>(tx, RECOVERY_CODE_USED_AT, [
      a.userId,
      a.code.hash,
    ]);
    return (rows[0]?.used_at ?? null) !== null ? 'replayed' : 'wrong';
  }
}
