import type Database from 'better-sqlite3';
import { type CodeAttemptStateRow, refusalBeforeCheck } from '../code-attempt-state.ts';
import type { CodeAttempt, CodeAttemptOutcome, Store } from '../contract.ts';
import type { Write } from './write-batch.ts';

/** The state row's columns in {@link CodeAttemptStateRow}'s order. */
type StateValues = [
  attempts: number,
  consumedAt: number | null,
  expiresAt: number,
  count: number | null,
  lockedUntil: number | null,
  factorId: number | null,
  lastStep: number | null,
];

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
 * audit rows (the failure count only when it was not zero), a failure only the two counts.
 */
export function sqliteCodeLogin(
  db: Database.Database,
  write: Write,
  durable: () => Promise<void>,
): Pick<Store, 'attemptCodeLogin'> {
  const advance = db.prepare(
    `UPDATE factors SET last_step = ?
     WHERE id = ? AND status = 'active' AND (last_step IS NULL OR last_step < ?)`,
  );
  const consume = db.prepare(
    'UPDATE challenges SET consumed_at = ? WHERE id = ? AND consumed_at IS NULL AND expires_at > ?',
  );
  const clear = db.prepare(
    "UPDATE failure_counters SET count = 0 WHERE user_id = ? AND kind = 'mfa' AND count <> 0",
  );
  const insertSession = db.prepare(
    `INSERT INTO sessions (id, user_id, created_at, last_seen_at, expires_at, ip)
     VALUES (?, ?, ?, ?, ?, ?)`,
  );
  const deleteSession = db.prepare('DELETE FROM sessions WHERE id = ?');
  const useRecoveryCode = db.prepare(
    'UPDATE recovery_codes SET used_at = ? WHERE user_id = ? AND code_hash = ? AND used_at IS NULL',
  );
  const insertAudit = db.prepare(
    'INSERT INTO audit_events (at, actor, action, target, ip) VALUES (?, ?, ?, ?, ?)',
  );
  // What the decision reads, in one statement: the challenge, the user's MFA failure count and
  // the factor's last accepted step (null columns when there is no count or no active factor).
  // Read as values and named in JS: better-sqlite3's row objects cost more than the read.
  const getState = db
    .prepare<[number, number, number, string], StateValues>(
      `SELECT c.attempts, c.consumed_at, c.expires_at, fc.count, fc.locked_until, f.id, f.last_step
       FROM challenges c
       LEFT JOIN failure_counters fc ON fc.user_id = ? AND fc.kind = 'mfa'
       LEFT JOIN factors f ON f.id = ? AND f.user_id = ? AND f.status = 'active'
       WHERE c.id = ?`,
    )
    .raw(true);
  const readState = (a: CodeAttempt): CodeAttemptStateRow | undefined => {
    const v = getState.get(a.userId, a.factorId, a.userId, a.challengeId);
    return v
      ? {
          attempts: v[0],
          consumed_at: v[1],
          expires_at: v[2],
          count: v[3],
          locked_until: v[4],
          factor_id: v[5],
          last_step: v[6],
        }
      : undefined;
  };
  const countAttempt = db.prepare('UPDATE challenges SET attempts = attempts + 1 WHERE id = ?');
  const setFailures = db.prepare(
    `INSERT INTO failure_counters (user_id, kind, count, locked_until) VALUES (?, 'mfa', ?, ?)
     ON CONFLICT (user_id, kind) DO UPDATE SET count = excluded.count,
       locked_until = coalesce(excluded.locked_until, locked_until)`,
  );

  /** The last writes of every code login's success: the new session, the old one's end, the audit. */
  const signIn = (
    s: CodeAttempt['session'],
    endSessionId: string | undefined,
    audit: CodeAttempt['audit'],
  ) => {
    insertSession.run(s.id, s.userId, s.createdAt, s.createdAt, s.expiresAt, s.ip);
    if (endSessionId !== undefined) deleteSession.run(endSessionId);
    for (const e of audit) insertAudit.run(e.at, e.actor, e.action, e.target, e.ip);
  };

  /** The replay guard of a TOTP code, or the single use of a recovery code. */
  const accepted = (a: CodeAttempt, lastStep: number | null): boolean => {
    if (a.code.kind === 'totp') {
      const step = a.code.check(lastStep);
      return step !== null && advance.run(step, a.factorId, step).changes === 1;
    }
    return a.code.hash !== null && useRecoveryCode.run(a.now, a.userId, a.code.hash).changes === 1;
  };

  /** The whole decision, run inside one savepoint of the group commit. */
  const decide = (a: CodeAttempt): Decision => {
    const state = readState(a);
    if (!state) return { outcome: 'challenge_ended' };
    const refused = refusalBeforeCheck(state, a);
    if (refused) return refused;
    if (state.factor_id !== null && accepted(a, state.last_step)) {
      consume.run(a.now, a.challengeId, a.now);
      if (state.count) clear.run(a.userId);
      signIn(a.session, a.endSessionId, a.audit);
      return { outcome: 'durable' };
    }
    countAttempt.run(a.challengeId);
    const count = (state.count ?? 0) + 1;
    if (count >= a.threshold) {
      const lockedUntil = a.now + a.lockMs;
      setFailures.run(a.userId, 0, lockedUntil);
      return { outcome: 'wrong', lockedUntil };
    }
    setFailures.run(a.userId, count, null);
    return { outcome: 'wrong', lockedUntil: null };
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
