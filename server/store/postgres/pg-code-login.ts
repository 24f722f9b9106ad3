import { type CodeAttemptStateRow, refusalBeforeCheck } from '../code-attempt-state.ts';
import type { CodeAttempt, CodeAttemptOutcome, Store } from '../contract.ts';
import type { FailureRow } from '../rows.ts';
import { lockUser, type Pool, query, type Tx, transaction } from './pg-connection.ts';
import { ADVANCE_LAST_STEP, CONSUME_RECOVERY_CODE } from './pg-factors.ts';

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
export function pgCodeLogin(pool: Pool): Pick<Store, 'attemptCodeLogin'> {
  /** The success's writes after the code was used; a challenge ended meanwhile rolls all back. */
  const signIn = async (
    tx: Tx,
    { challengeId, now, session: s, endSessionId, audit }: CodeAttempt,
    clearFailures: boolean,
  ) => {
    const consumed = await query(
      tx,
      'UPDATE challenges SET consumed_at = $2 WHERE id = $1 AND consumed_at IS NULL AND expires_at > $2',
      [challengeId, now],
    );
    if (consumed.rowCount !== 1) throw new ChallengeEnded();
    if (clearFailures) {
      await query(
        tx,
        "UPDATE failure_counters SET count = 0 WHERE user_id = $1 AND kind = 'mfa' AND count <> 0",
        [s.userId],
      );
    }
    await query(
      tx,
      `INSERT INTO sessions (id, user_id, created_at, last_seen_at, expires_at, ip)
       VALUES ($1, $2, $3, $3, $4, $5)`,
      [s.id, s.userId, s.createdAt, s.expiresAt, s.ip],
    );
    if (endSessionId !== undefined) {
      await query(tx, 'DELETE FROM sessions WHERE id = $1', [endSessionId]);
    }
    for (const e of audit) {
      await query(
        tx,
        'INSERT INTO audit_events (at, actor, action, target, ip) VALUES ($1, $2, $3, $4, $5)',
        [e.at, e.actor, e.action, e.target, e.ip],
      );
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
    } = await query<CodeAttemptStateRow>(
      tx,
      `SELECT c.attempts, c.consumed_at, c.expires_at, fc.count, fc.locked_until,
         f.id AS factor_id, f.last_step
       FROM challenges c
       LEFT JOIN failure_counters fc ON fc.user_id = $1 AND fc.kind = 'mfa'
       LEFT JOIN factors f ON f.id = $2 AND f.user_id = $1 AND f.status = 'active'
       WHERE c.id = $3`,
      [a.userId, a.factorId, a.challengeId],
    );
    if (!state) return { outcome: 'challenge_ended' };
    const refused = refusalBeforeCheck(state, a);
    if (refused) return refused;
    if (state.factor_id !== null && (await accepted(tx, a, state.last_step))) {
      await signIn(tx, a, Boolean(state.count));
      return { outcome: 'ok' };
    }
    await query(tx, 'UPDATE challenges SET attempts = attempts + 1 WHERE id = $1', [a.challengeId]);
    // Counted on the committed value: the other code paths (set-up, disable, regeneration)
    // reserve attempts without taking the user's lock.
    const lockAt = a.now + a.lockMs;
    const {
      rows: [after],
    } = await query<FailureRow>(
      tx,
      `INSERT INTO failure_counters AS f (user_id, kind, count, locked_until)
       VALUES ($1, 'mfa', $2, $3)
       ON CONFLICT (user_id, kind) DO UPDATE SET
         count = CASE WHEN f.count + 1 >= $4 THEN 0 ELSE f.count + 1 END,
         locked_until = CASE WHEN f.count + 1 >= $4 THEN $5 ELSE f.locked_until END
       RETURNING count, locked_until`,
      [a.userId, a.threshold <= 1 ? 0 : 1, a.threshold <= 1 ? lockAt : null, a.threshold, lockAt],
    );
    const until = after?.locked_until ?? null;
    return { outcome: 'wrong', lockedUntil: until !== null && until > a.now ? until : null };
  }

  /** The replay guard of a TOTP code, or the single use of a recovery code. */
  async function accepted(tx: Tx, a: CodeAttempt, lastStep: number | null): Promise<boolean> {
    if (a.code.kind === 'totp') {
      const step = a.code.check(lastStep);
      if (step === null) return false;
      const advanced = await query(tx, ADVANCE_LAST_STEP, [a.factorId, step]);
      return advanced.rowCount === 1;
    }
    if (a.code.hash === null) return false;
    const used = await query(tx, CONSUME_RECOVERY_CODE, [a.userId, a.code.hash, a.now]);
    return used.rowCount === 1;
  }
}
