import type Database from 'better-sqlite3';
import type { Store } from '../contract.ts';
import type { Write } from './write-batch.ts';

/** Thrown inside the savepoint so that a refused challenge undoes the step already advanced. */
class ChallengeEnded extends Error {}

/**
 * `completeCodeLogin` of the SQLite store: the six writes of a code login's success in one
 * savepoint of the current group commit, then one wait on the durable barrier. The statements are
 * the same conditional updates as the separate methods, so the guarantees are theirs.
 */
export function sqliteCodeLogin(
  db: Database.Database,
  write: Write,
  durable: () => Promise<void>,
): Pick<Store, 'completeCodeLogin'> {
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
  const insertAudit = db.prepare(
    'INSERT INTO audit_events (at, actor, action, target, ip) VALUES (?, ?, ?, ?, ?)',
  );

  return {
    async completeCodeLogin({ factorId, step, challengeId, now, session: s, endSessionId, audit }) {
      let outcome: 'ok' | 'replayed' | 'challenge_ended';
      try {
        outcome = await write(
          () => {
            if (advance.run(step, factorId, step).changes !== 1) return 'replayed';
            if (consume.run(now, challengeId, now).changes !== 1) throw new ChallengeEnded();
            clear.run(s.userId);
            insertSession.run(s.id, s.userId, s.createdAt, s.createdAt, s.expiresAt, s.ip);
            if (endSessionId !== undefined) deleteSession.run(endSessionId);
            for (const e of audit) insertAudit.run(e.at, e.actor, e.action, e.target, e.ip);
            return 'ok';
          },
          { atomic: true },
        );
      } catch (error) {
        if (!(error instanceof ChallengeEnded)) throw error;
        return 'challenge_ended';
      }
      if (outcome === 'ok') await durable();
      return outcome;
    },
  };
}
