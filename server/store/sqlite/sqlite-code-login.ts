import type Database from 'better-sqlite3';
import type { SqliteFlowRunner } from '../../../sdk/verifier/store/sqlite-database.ts';
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
import { statement } from './statement.ts';
import type { Write } from './write-batch.ts';

/**
 * `attemptCodeLogin` of the SQLite store: the challenge checked, the verifier's `verify` flow and
 * the server's writes, in one savepoint of the current group commit, then one wait on the durable
 * barrier. better-sqlite3 is synchronous and one process owns the file, so nothing can run
 * between the reads, the code check and the writes.
 */
export function sqliteCodeLogin(
  db: Database.Database,
  runner: SqliteFlowRunner,
  write: Write,
  durable: () => Promise<void>,
): Pick<FactorStore, 'attemptCodeLogin'> {
  const challengeState = statement<ChallengeStateRow>(db, CHALLENGE_STATE);
  const consume = statement(db, CONSUME_CHALLENGE);
  const countAttempt = statement(db, COUNT_CHALLENGE_ATTEMPT);
  const insertSession = statement(db, INSERT_SESSION);
  const deleteSession = statement(db, DELETE_SESSION);
  const insertAudit = statement(db, INSERT_AUDIT);

  const decide = (a: CodeAttempt): CodeAttemptOutcome => {
    const state = challengeState.get(a.challengeId);
    if (!state || !challengeLive(state, a)) return { outcome: 'challenge_ended' };
    const decision = runner.decide(a.verify);
    if (decision.result?.ok) {
      const s = a.session;
      consume.run(a.challengeId, a.now);
      insertSession.run(s.id, s.userId, s.createdAt, s.expiresAt, s.ip);
      if (a.endSessionId !== undefined) deleteSession.run(a.endSessionId);
      for (const e of a.audit) insertAudit.run(e.at, e.actor, e.action, e.target, e.ip);
    } else if (countsOnChallenge(decision)) {
      countAttempt.run(a.challengeId);
    }
    return { outcome: 'decided', decision };
  };

  return {
    async attemptCodeLogin(attempt) {
      const outcome = await write(() => decide(attempt), { atomic: true });
      if (outcome.outcome === 'decided' && outcome.decision.writes.length > 0) await durable();
      return outcome;
    },
  };
}
