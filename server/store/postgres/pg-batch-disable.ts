import type { BatchDisableResult, Store } from '../contract.ts';
import { recordEndedSessions } from '../statements.ts';
import { type Pool, query, transaction } from './pg-connection.ts';

/**
 * Batch disable of the PostgreSQL store, in one transaction of a fixed number of statements
 * whatever the batch size (up to 1000 ids). The users' rows are locked in id order first, the
 * same lock the per-user factor transactions take, so a batch racing a user's own enable or a
 * second batch waits instead of interleaving (and deadlocks, should any arise, are retried).
 */
export function pgBatchDisable(pool: Pool): Pick<Store, 'disableFactorsForUsers'> {
  return {
    async disableFactorsForUsers(userIds, { markPasswordUsersForSetup, exceptSessionId }) {
      const ids = [...new Set(userIds)];
      const valid = ids.filter((id) => Number.isInteger(id) && Math.abs(id) <= 2_147_483_647);
      const { found, removed } = await transaction(pool, async (tx) => {
        const users = await query<{ id: number }>(
          tx,
          'SELECT id FROM users WHERE id = ANY($1::int[]) ORDER BY id FOR NO KEY UPDATE',
          [valid],
        );
        const gone = await query<{ user_id: number }>(
          tx,
          `DELETE FROM factors WHERE user_id = ANY($1::int[]) AND status = 'active'
           RETURNING user_id`,
          [valid],
        );
        const removedIds = gone.rows.map((r) => r.user_id);
        if (removedIds.length > 0) {
          await query(tx, 'DELETE FROM recovery_codes WHERE user_id = ANY($1::int[])', [
            removedIds,
          ]);
          const theirSessions = 'user_id = ANY($1::int[]) AND id IS DISTINCT FROM $2';
          const but = [removedIds, exceptSessionId ?? null];
          await query(tx, recordEndedSessions(theirSessions, "'mfa_changed'"), but);
          await query(tx, `DELETE FROM sessions WHERE ${theirSessions}`, but);
          if (markPasswordUsersForSetup) {
            await query(
              tx,
              `UPDATE users SET must_setup_mfa = true
               WHERE id = ANY($1::int[]) AND auth_type = 'password'`,
              [removedIds],
            );
          }
        }
        return { found: new Set(users.rows.map((u) => u.id)), removed: new Set(removedIds) };
      });
      const result: BatchDisableResult = { disabled: [], skipped: [] };
      for (const id of ids) {
        if (!found.has(id)) result.skipped.push({ id, reason: 'USER_NOT_FOUND' });
        else if (!removed.has(id)) result.skipped.push({ id, reason: 'MFA_NOT_ENABLED' });
        else result.disabled.push(id);
      }
      return result;
    },
  };
}
