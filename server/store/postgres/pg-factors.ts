import type { Store } from '../contract.ts';
import type { FactorMethods } from '../method-groups.ts';
import { type FactorRow, toFactor } from '../rows.ts';
import { lockUser, type Sql, type TxSql, transaction } from './pg-connection.ts';

/**
 * Every transaction that changes a user's factor or recovery codes first takes the user's row
 * lock, so two of them for one user (on any instance) run one after the other: a regeneration
 * racing an enable can never leave both sets of codes behind. NO KEY UPDATE does not block the
 * KEY SHARE locks that inserts referencing the user (sessions, challenges) take.
 */
const replaceCodes = async (tx: TxSql, userId: number, hashes: string[]) => {
  await tx`DELETE FROM recovery_codes WHERE user_id = ${userId}`;
  if (hashes.length > 0) {
    await tx`INSERT INTO recovery_codes (user_id, code_hash)
             SELECT ${userId}, h FROM unnest(${tx.array(hashes)}::text[]) AS h`;
  }
};

/**
 * The factor and recovery-code methods of the PostgreSQL store. The replay guard and code
 * consumption are single conditional UPDATEs: under READ COMMITTED a concurrent updater waits
 * for the row lock, then re-checks the WHERE clause against the committed row, so of N callers
 * exactly one matches. Commits are durable (`synchronous_commit=on`) before the promise resolves.
 */
export function pgFactors(sql: Sql): Pick<Store, FactorMethods> {
  return {
    async getFactor(userId) {
      const [row] = await sql<FactorRow[]>`SELECT * FROM factors WHERE user_id = ${userId}`;
      return row ? toFactor(row) : null;
    },
    async startEnrolment(userId, secret, now, expiresAt) {
      const [row] = await sql<FactorRow[]>`
        INSERT INTO factors (user_id, status, secret, created_at, expires_at)
        VALUES (${userId}, 'pending', ${secret}, ${now}, ${expiresAt})
        ON CONFLICT (user_id) DO UPDATE SET secret = excluded.secret,
          created_at = excluded.created_at, expires_at = excluded.expires_at, last_step = NULL
        WHERE factors.status = 'pending'
        RETURNING *`;
      return row ? toFactor(row) : null;
    },
    async enableFactor({ userId, factorId, lastStep, recoveryCodeHashes, now }) {
      return transaction(sql, async (tx) => {
        await lockUser(tx, userId);
        const activated = await tx`
          UPDATE factors SET status = 'active', last_step = ${lastStep}, enabled_at = ${now},
            expires_at = NULL
          WHERE id = ${factorId} AND user_id = ${userId} AND status = 'pending'
            AND expires_at > ${now}`;
        if (activated.count !== 1) return false;
        await replaceCodes(tx, userId, recoveryCodeHashes);
        await tx`UPDATE users SET must_setup_mfa = false WHERE id = ${userId}`;
        return true;
      });
    },
    async advanceLastStep(factorId, step) {
      const result = await sql`
        UPDATE factors SET last_step = ${step}
        WHERE id = ${factorId} AND status = 'active' AND (last_step IS NULL OR last_step < ${step})`;
      return result.count === 1;
    },
    async removeFactor(userId, { mustSetupMfa }) {
      return transaction(sql, async (tx) => {
        await lockUser(tx, userId);
        const removed = await tx<{ status: string }[]>`
          DELETE FROM factors WHERE user_id = ${userId} RETURNING status`;
        await tx`DELETE FROM recovery_codes WHERE user_id = ${userId}`;
        if (mustSetupMfa) await tx`UPDATE users SET must_setup_mfa = true WHERE id = ${userId}`;
        return removed.some((r) => r.status === 'active');
      });
    },
    async consumeRecoveryCode(userId, codeHash, now) {
      const result = await sql`
        UPDATE recovery_codes SET used_at = ${now}
        WHERE user_id = ${userId} AND code_hash = ${codeHash} AND used_at IS NULL`;
      return result.count === 1;
    },
    async replaceRecoveryCodes(userId, codeHashes) {
      await transaction(sql, async (tx) => {
        await lockUser(tx, userId);
        await replaceCodes(tx, userId, codeHashes);
      });
    },
    async countRecoveryCodesLeft(userId) {
      const [row] = await sql<{ n: number }[]>`
        SELECT count(*) AS n FROM recovery_codes WHERE user_id = ${userId} AND used_at IS NULL`;
      return row?.n ?? 0;
    },
  };
}
