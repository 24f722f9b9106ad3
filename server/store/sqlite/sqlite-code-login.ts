import type Database from 'better-sqlite3';
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
import { statement } from './statement.ts';
import type { Write } from './write-batch.ts';

type Decision =
  | CodeAttemptOutcome
  /** The success's writes are in the batch: the answer waits for the durable barrier. */
  | { outcome: 'durable' };

/**
 * `attemptCodeLogin` of the SQLite store: a whole code step decided inside one savepoint of the
 * current group commit, then one wait on the durable barrier when it let the user in.
 * better-sqlite3 is synchronous and one process owns the file, so nothing can run
 * between its reads, the code check and its writes, and it needs no reservations: a success
 * writes only the step (or the recovery code's use), the challenge's end, the session and the
 * audit rows (the failure count only when it was not zero), a failure only the counts and, at
 * the threshold, the lock (the same lockout statement as every other path).
 */
export function sqliteCodeLogin(
  db: Database.Database,
  write: Write,
  durable: () => Promise<void>,
): Pick<FactorStore, 'attemptCodeLogin'> {
  const advance = statement(db, ADVANCE_LAST_STEP);
  const consume = statement(db, CONSUME_CHALLENGE);
  const clear = statement(db, CLEAR_FAILURES);
  const insertSession = statement(db, INSERT_SESSION);
  const deleteSession = statement(db, DELETE_SESSION);
  const useRecoveryCode = statement(db, CONSUME_RECOVERY_CODE);
  const insertAudit = statement(db, INSERT_AUDIT);
  const readState = statement<CodeAttemptStateRow>(db, CODE_ATTEMPT_STATE);
  const countAttempt = statement(db, COUNT_CHALLENGE_ATTEMPT);
  const countFailure = statement(db, COUNT_FAILURE);
  const lockAtThreshold = statement<{ locked_until: number }>(db, LOCK_AT_THRESHOLD);
  const recoveryUsedAt = statement<{ used_at: number | null }>(db, RECOVERY_CODE_USED_AT);

  /** The last writes of every code login's success: the new session, the old one's end, the audit. */
  const signIn = (
    s: CodeAttempt['session'],
    endSessionId: string | undefined,
    audit: CodeAttempt['audit'],
  ) => {
    insertSession.run(s.id, s.userId, s.createdAt, s.expiresAt, s.ip);
    if (endSessionId !== undefined) deleteSession.run(endSessionId);
    for (const e of audit) insertAudit.run(e.at, e.actor, e.action, e.target, e.ip);
  };

  /** The replay guard of a TOTP code, or the single use of a recovery code. */
  const verdict = (a: CodeAttempt, lastStep: number | null): CodeVerdict => {
    if (a.code.kind === 'totp') {
      const checked = a.code.check(lastStep);
      if (checked.result !== 'valid') return checked.result;
      return advance.run(a.factorId, checked.step).changes === 1 ? 'valid' : 'replayed';
    }
    if (a.code.hash === null) return 'wrong';
    if (useRecoveryCode.run(a.userId, a.code.hash, a.now).changes === 1) return 'valid';
    return (recoveryUsedAt.get(a.userId, a.code.hash)?.used_at ?? null) !== null
      ? 'replayed'
      : 'wrong';
  };

  /** The whole decision, run inside one savepoint of the group commit. */
  const decide = (a: CodeAttempt): Decision => {
    const state = readState.get(a.userId, a.factorId, a.challengeId);
    if (!state) return { outcome: 'challenge_ended' };
    const refused = refusalBeforeCheck(state, a);
    if (refused) return refused;
    const checked = state.factor_id === null ? 'wrong' : verdict(a, state.last_step);
    if (checked === 'valid') {
      consume.run(a.challengeId, a.now);
      if (hasFailures(state)) clear.run(a.userId, 'mfa');
      signIn(a.session, a.endSessionId, a.audit);
      return { outcome: 'durable' };
    }
    countAttempt.run(a.challengeId);
    if (checked === 'replayed') return { outcome: 'replayed' };
    countFailure.run(a.userId, 'mfa');
    const after = lockAtThreshold.get(a.userId, 'mfa', a.threshold, a.now, a.lockMs);
    return { outcome: 'wrong', lockedUntil: after?.locked_until ?? null };
  };

  return {
    async attemptCodeLogin(attempt) {
      const decision = await write(() => decide(attempt), { atomic: true });
      if (decision.outcome !== 'durable') return decision;
      await durable();
      return { outcome: 'ok' };
    },
  };
}
