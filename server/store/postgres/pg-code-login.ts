import type { Store } from '../contract.ts';
import { type Sql, transaction } from './pg-connection.ts';

/** Thrown inside the transaction to roll it back, then turned into the answer. */
class Refused extends Error {
  constructor(readonly outcome: 'replayed' | 'challenge_ended') {
    super(outcome);
  }
}

/**
 * `completeCodeLogin` of the PostgreSQL store: one transaction whose first two statements are the
 * same conditional updates as `advanceLastStep` and `consumeChallenge` (each holds its row lock
 * until commit and re-checks its WHERE against the committed row, so of concurrent callers exactly
 * one matches); a refusal rolls everything back. The commit is durable before it resolves.
 */
export function pgCodeLogin(sql: Sql): Pick<Store, 'completeCodeLogin'> {
  return {
    async completeCodeLogin({ factorId, step, challengeId, now, session: s, endSessionId, audit }) {
      try {
        return await transaction(sql, async (tx) => {
          const advanced = await tx`
            UPDATE factors SET last_step = ${step}
            WHERE id = ${factorId} AND status = 'active' AND (last_step IS NULL OR last_step < ${step})`;
          if (advanced.count !== 1) throw new Refused('replayed');
          const consumed = await tx`
            UPDATE challenges SET consumed_at = ${now}
            WHERE id = ${challengeId} AND consumed_at IS NULL AND expires_at > ${now}`;
          if (consumed.count !== 1) throw new Refused('challenge_ended');
          await tx`UPDATE failure_counters SET count = 0
                   WHERE user_id = ${s.userId} AND kind = 'mfa' AND count <> 0`;
          await tx`
            INSERT INTO sessions (id, user_id, created_at, last_seen_at, expires_at, ip)
            VALUES (${s.id}, ${s.userId}, ${s.createdAt}, ${s.createdAt}, ${s.expiresAt}, ${s.ip})`;
          if (endSessionId !== undefined) await tx`DELETE FROM sessions WHERE id = ${endSessionId}`;
          for (const e of audit) {
            await tx`INSERT INTO audit_events (at, actor, action, target, ip)
                     VALUES (${e.at}, ${e.actor}, ${e.action}, ${e.target}, ${e.ip})`;
          }
          return 'ok' as const;
        });
      } catch (error) {
        if (error instanceof Refused) return error.outcome;
        throw error;
      }
    },
  };
}
