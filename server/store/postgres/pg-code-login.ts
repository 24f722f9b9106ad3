import { decideOnPostgres } from '../../../sdk/verifier/store/postgres-database.ts';
import { type ChallengeStateRow, challengeLive, countsOnChallenge } from '../code-attempt-state.ts';
import type { CodeAttempt, CodeAttemptOutcome, FactorStore } from '../contract.ts';
import {
  CHALLENGE_STATE,
  CONSUME_CHALLENGE,
  COUNT_CHALLENGE_ATTEMPT,
  DELETE_SESSION,
  INSERT_AUDIT,
  INSERT_SESSION,
} from '../statements.ts';
import { flowClient, type Pool, query, type Tx, transaction } from './pg-connection.ts';

/**
 * The user's factor row, locked before the challenge is read: the lock every factor flow takes
 * first (then the users row, for the set-up flag), so the code step waits in the same order and
 * never deadlocks with an admin's reset.
 */
const LOCK_FACTOR = 'SELECT 1 FROM mfa_verifier_factors WHERE user_id = $1 FOR UPDATE';

/** Thrown inside the transaction to roll a success back when its challenge ended meanwhile. */
class ChallengeEnded extends Error {}

/**
 * `attemptCodeLogin` of the PostgreSQL store: one transaction that first locks the user's factor
 * row, so the code attempts of one user queue there, on every instance, and each reads the
 * challenge as the previous one left it; then the verifier's `verify` flow decides on that row,
 * and the server's writes follow in the same commit. A challenge ended meanwhile (by a path that
 * does not take the lock) rolls the success back. The commit is durable before it resolves.
 */
export function pgCodeLogin(pool: Pool): Pick<FactorStore, 'attemptCodeLogin'> {
  /** The success's writes after the code was used; a challenge ended meanwhile rolls all back. */
  const signIn = async (
    tx: Tx,
    { challengeId, now, session: s, endSessionId, audit }: CodeAttempt,
  ) => {
    const consumed = await query(tx, CONSUME_CHALLENGE, [challengeId, now]);
    if (consumed.rowCount !== 1) throw new ChallengeEnded();
    await query(tx, INSERT_SESSION, [s.id, s.userId, s.createdAt, s.expiresAt, s.ip]);
    if (endSessionId !== undefined) await query(tx, DELETE_SESSION, [endSessionId]);
    for (const e of audit) {
      await query(tx, INSERT_AUDIT, [e.at, e.actor, e.action, e.target, e.ip]);
    }
  };

  const decide = async (tx: Tx, a: CodeAttempt): Promise<CodeAttemptOutcome> => {
    await query(tx, LOCK_FACTOR, [a.verify.userId]);
    // A statement of its own, so it reads what was committed while this one waited for the lock.
    const {
      rows: [state],
    } = await query<ChallengeStateRow>(tx, CHALLENGE_STATE, [a.challengeId]);
    if (!state || !challengeLive(state, a)) return { outcome: 'challenge_ended' };
    const decision = await decideOnPostgres(flowClient(tx), a.verify);
    if (decision.result?.ok) await signIn(tx, a);
    else if (countsOnChallenge(decision)) await query(tx, COUNT_CHALLENGE_ATTEMPT, [a.challengeId]);
    return { outcome: 'decided', decision };
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
}
