import type { BatchDisableResult, Store } from '../contract.ts';
import { type Sql, transaction } from './pg-connection.ts';

/**
 * Batch disable of the PostgreSQL store, in one transaction of a fixed number of statements
 * whatever the batch size (up to 1000 ids). The users' rows are locked in id order first, the
 * same lock the per-user factor transactions take, so a batch racing a user's own enable or a
 * second batch waits instead of interleaving (and deadlocks, should any arise, are retried).
 */
export function pgBatchDisable(sql: Sql): Pick<Store, 'disableFactorsForUsers'> {
  return {
    async disableFactorsForUsers(userIds, { markPasswordUsersForSetup, exceptSessionId }) {
      const ids = [...new Set(userIds)];
      const valid = ids.filter((id) => Number.isInteger(id) && Math.abs(id) <= 2_147_483_647);
      const { found, removed } = await transaction(sql, async (tx) => {
        const users = await tx<{ id: number; auth_type: string }[]>`
          SELECT id, auth_type FROM users WHERE id = ANY(${tx.array(valid)}::int[])
          ORDER BY id FOR NO KEY UPDATE`;
        const gone = await tx<{ user_id: number }[]>`
          DELETE FROM factors WHERE user_id = ANY(${tx.array(valid)}::int[]) AND status = 'active'
          RETURNING user_id`;
        const removedIds = gone.map((r) => r.user_id);
        if (removedIds.length > 0) {
          const removedArray = tx.array(removedIds);
          await tx`DELETE FROM recovery_codes WHERE user_id = ANY(${removedArray}::int[])`;
          await tx`DELETE FROM sessions WHERE user_id = ANY(${removedArray}::int[])
                   AND id IS DISTINCT FROM ${exceptSessionId ?? null}`;
          if (markPasswordUsersForSetup) {
            await tx`UPDATE users SET must_setup_mfa = true
                     WHERE id = ANY(${removedArray}::int[]) AND auth_type = 'password'`;
          }
        }
        return { found: new Set(users.map((u) => u.id)), removed: new Set(removedIds) };
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
