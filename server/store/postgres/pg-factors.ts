import type { Store } from '../contract.ts';
import type { FactorMethods } from '../method-groups.ts';
import { type FactorRow, toFactor } from '../rows.ts';
import { lockUser, type Pool, query, type Tx, transaction } from './pg-connection.ts';

/**
 * The replay guard: a TOTP step is accepted once, only above the last accepted one. Under READ
 * COMMITTED a concurrent updater waits for the row lock, then re-checks the WHERE clause against
 * the committed row, so of N callers exactly one matches.
 */
export const ADVANCE_LAST_STEP = `
  UPDATE factors SET last_step = $2
  WHERE id = $1 AND status = 'active' AND (last_step IS NULL OR last_step < $2)`;

/** A recovery code's single use, the same way. */
export const CONSUME_RECOVERY_CODE = `
  UPDATE recovery_codes SET used_at = $3
  WHERE user_id = $1 AND code_hash = $2 AND used_at IS NULL`;

/**
 * Every transaction that changes a user's factor or recovery codes first takes the user's row
 * lock, so two of them for one user (on any instance) run one after the other: a regeneration
 * racing an enable can never leave both sets of codes behind. NO KEY UPDATE does not block the
 * KEY SHARE locks that inserts referencing the user (sessions, challenges) take.
 */
const replaceCodes = async (tx: Tx, userId: number, hashes: string[]) => {
  await query(tx, 'DELETE FROM recovery_codes WHERE user_id = $1', [userId]);
  if (hashes.length > 0) {
    await query(
      tx,
      'INSERT INTO recovery_codes (user_id, code_hash) SELECT $1, h FROM unnest($2::text[]) AS h',
      [userId, hashes],
    );
  }
};

/**
 * The factor and recovery-code methods of the PostgreSQL store. The replay guard and code
 * consumption are single conditional UPDATEs; commits are durable (`synchronous_commit=on`)
 * before the promise resolves.
 */
export function pgFactors(pool: Pool): Pick<Store, FactorMethods> {
  return {
    async getFactor(userId) {
      const { rows } = await query<FactorRow>(pool, 'SELECT * FROM factors WHERE user_id = $1', [
        userId,
      ]);
      return rows[0] ? toFactor(rows[0]) : null;
    },
    async startEnrolment(userId, secret, now, expiresAt) {
      const { rows } = await query<FactorRow>(
        pool,
        `INSERT INTO factors (user_id, status, secret, created_at, expires_at)
         VALUES ($1, 'pending', $2, $3, $4)
         ON CONFLICT (user_id) DO UPDATE SET secret = excluded.secret,
           created_at = excluded.created_at, expires_at = excluded.expires_at, last_step = NULL
         WHERE factors.status = 'pending'
         RETURNING *`,
        [userId, secret, now, expiresAt],
      );
      return rows[0] ? toFactor(rows[0]) : null;
    },
    async enableFactor({ userId, factorId, lastStep, recoveryCodeHashes, now }) {
      return transaction(pool, async (tx) => {
        await lockUser(tx, userId);
        const activated = await query(
          tx,
          `UPDATE factors SET status = 'active', last_step = $3, enabled_at = $4, expires_at = NULL
           WHERE id = $1 AND user_id = $2 AND status = 'pending' AND expires_at > $4`,
          [factorId, userId, lastStep, now],
        );
        if (activated.rowCount !== 1) return false;
        await replaceCodes(tx, userId, recoveryCodeHashes);
        await query(tx, 'UPDATE users SET must_setup_mfa = false WHERE id = $1', [userId]);
        return true;
      });
    },
    async advanceLastStep(factorId, step) {
      const result = await query(pool, ADVANCE_LAST_STEP, [factorId, step]);
      return result.rowCount === 1;
    },
    async removeFactor(userId, { mustSetupMfa }) {
      return transaction(pool, async (tx) => {
        await lockUser(tx, userId);
        const removed = await query<{ status: string }>(
          tx,
          'DELETE FROM factors WHERE user_id = $1 RETURNING status',
          [userId],
        );
        await query(tx, 'DELETE FROM recovery_codes WHERE user_id = $1', [userId]);
        if (mustSetupMfa) {
          await query(tx, 'UPDATE users SET must_setup_mfa = true WHERE id = $1', [userId]);
        }
        return removed.rows.some((r) => r.status === 'active');
      });
    },
    async consumeRecoveryCode(userId, codeHash, now) {
      const result = await query(pool, CONSUME_RECOVERY_CODE, [userId, codeHash, now]);
      return result.rowCount === 1;
    },
    async replaceRecoveryCodes(userId, codeHashes) {
      await transaction(pool, async (tx) => {
        await lockUser(tx, userId);
        await replaceCodes(tx, userId, codeHashes);
      });
    },
    async countRecoveryCodesLeft(userId) {
      const { rows } = await query<{ n: number }>(
        pool,
        'SELECT count(*) AS n FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL',
        [userId],
      );
      return rows[0]?.n ?? 0;
    },
  };
}
