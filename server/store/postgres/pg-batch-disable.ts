import { decideOnPostgres } from '../../../sdk/verifier/store/postgres-database.ts';
import type { BatchDisableResult, Store } from '../contract.ts';
import { recordEndedSessions } from '../statements.ts';
import { flowClient, type Pool, query, transaction } from './pg-connection.ts';

/**
 * Batch disable of the PostgreSQL store, in one transaction per chunk (the service sends at most
 * 100 ids). The active factors' rows are locked in user-id order first, the lock every factor
 * flow takes, so a batch racing a user's own change or a second batch waits instead of
 * interleaving (and deadlocks, should any arise, are retried); then the verifier's disable flow
 * removes each, and the sessions and set-up flags change in one statement each.
 */
export function pgBatchDisable(pool: Pool): Pick<Store, 'disableFactorsForUsers'> {
  return {
    async disableFactorsForUsers(userIds, { disable, markPasswordUsersForSetup, exceptSessionId }) {
      const ids = [...new Set(userIds)];
      const valid = ids.filter((id) => Number.isInteger(id) && Math.abs(id) <= 2_147_483_647);
      const { found, removed } = await transaction(pool, async (tx) => {
        const users = await query<{ id: number }>(
          tx,
          'SELECT id FROM users WHERE id = ANY($1::int[])',
          [valid],
        );
        const active = await query<{ user_id: string }>(
          tx,
          `SELECT user_id FROM mfa_verifier_factors
           WHERE user_id = ANY($1::text[]) AND status = 'active' ORDER BY user_id FOR UPDATE`,
          [valid.map(String)],
        );
        const removedIds: number[] = [];
        for (const { user_id } of active.rows) {
          if ((await decideOnPostgres(flowClient(tx), disable(user_id))).result)
            removedIds.push(Number(user_id));
        }
        if (removedIds.length > 0) {
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
