import { type CodeAttemptStateRow, refusalBeforeCheck } from '../code-attempt-state.ts';
import type { CodeAttempt, CodeAttemptOutcome, Store } from '../contract.ts';
import type { FailureRow } from '../rows.ts';
import { lockUser, type Sql, type TxSql, transaction } from './pg-connection.ts';

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
export function pgCodeLogin(sql: Sql): Pick<Store, 'attemptCodeLogin'> {
  /** The success's writes after the code was used; a challenge ended meanwhile rolls all back. */
  const signIn = async (
    tx: TxSql,
    { challengeId, now, session: s, endSessionId, audit }: CodeAttempt,
    clearFailures: boolean,
  ) => {
    const consumed = await tx`
      UPDATE challenges SET consumed_at = ${now}
      WHERE id = ${challengeId} AND consumed_at IS NULL AND expires_at > ${now}`;
    if (consumed.count !== 1) throw new ChallengeEnded();
    if (clearFailures) {
      await tx`UPDATE failure_counters SET count = 0
               WHERE user_id = ${s.userId} AND kind = 'mfa' AND count <> 0`;
    }
    await tx`
      INSERT INTO sessions (id, user_id, created_at, last_seen_at, expires_at, ip)
      VALUES (${s.id}, ${s.userId}, ${s.createdAt}, ${s.createdAt}, ${s.expiresAt}, ${s.ip})`;
    if (endSessionId !== undefined) await tx`DELETE FROM sessions WHERE id = ${endSessionId}`;
    for (const e of audit) {
      await tx`INSERT INTO audit_events (at, actor, action, target, ip)
               VALUES (${e.at}, ${e.actor}, ${e.action}, ${e.target}, ${e.ip})`;
    }
  };
  return {
    async attemptCodeLogin(a) {
      try {
        return await transaction(sql, (tx) => decide(tx, a));
      } catch (error) {
        if (error instanceof ChallengeEnded) return { outcome: 'challenge_ended' };
        throw error;
      }
    },
  };

  async function decide(tx: TxSql, a: CodeAttempt): Promise<CodeAttemptOutcome> {
    await lockUser(tx, a.userId);
    // A statement of its own, so it reads what was committed while this one waited for the lock.
    const [state] = await tx<CodeAttemptStateRow[]>`
      SELECT c.attempts, c.consumed_at, c.expires_at, fc.count, fc.locked_until,
        f.id AS factor_id, f.last_step
      FROM challenges c
      LEFT JOIN failure_counters fc ON fc.user_id = ${a.userId} AND fc.kind = 'mfa'
      LEFT JOIN factors f ON f.id = ${a.factorId} AND f.user_id = ${a.userId} AND f.status = 'active'
      WHERE c.id = ${a.challengeId}`;
    if (!state) return { outcome: 'challenge_ended' };
    const refused = refusalBeforeCheck(state, a);
    if (refused) return refused;
    if (state.factor_id !== null && (await accepted(tx, a, state.last_step))) {
      await signIn(tx, a, Boolean(state.count));
      return { outcome: 'ok' };
    }
    await tx`UPDATE challenges SET attempts = attempts + 1 WHERE id = ${a.challengeId}`;
    // Counted on the committed value: the other code paths (set-up, disable, regeneration)
    // reserve attempts without taking the user's lock.
    const lockAt = a.now + a.lockMs;
    const [after] = await tx<FailureRow[]>`
      INSERT INTO failure_counters AS f (user_id, kind, count, locked_until)
      VALUES (${a.userId}, 'mfa', ${a.threshold <= 1 ? 0 : 1},
              ${a.threshold <= 1 ? lockAt : null}::bigint)
      ON CONFLICT (user_id, kind) DO UPDATE SET
        count = CASE WHEN f.count + 1 >= ${a.threshold}::int THEN 0 ELSE f.count + 1 END,
        locked_until = CASE WHEN f.count + 1 >= ${a.threshold}::int THEN ${lockAt}::bigint
                            ELSE f.locked_until END
      RETURNING count, locked_until`;
    const until = after?.locked_until ?? null;
    return { outcome: 'wrong', lockedUntil: until !== null && until > a.now ? until : null };
  }

  /** The replay guard of a TOTP code, or the single use of a recovery code. */
  async function accepted(tx: TxSql, a: CodeAttempt, lastStep: number | null): Promise<boolean> {
    if (a.code.kind === 'totp') {
      const step = a.code.check(lastStep);
      if (step === null) return false;
      const advanced = await tx`
        UPDATE factors SET last_step = ${step}
        WHERE id = ${a.factorId} AND status = 'active' AND (last_step IS NULL OR last_step < ${step})`;
      return advanced.count === 1;
    }
    if (a.code.hash === null) return false;
    const used = await tx`
      UPDATE recovery_codes SET used_at = ${a.now}
      WHERE user_id = ${a.userId} AND code_hash = ${a.code.hash} AND used_at IS NULL`;
    return used.count === 1;
  }
}
