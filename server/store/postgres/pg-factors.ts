import type { FactorStore } from '../contract.ts';
import { type FactorRow, toFactor } from '../rows.ts';
import {
  ACTIVATE_FACTOR,
  ADVANCE_LAST_STEP,
  CLEAR_MUST_SETUP_MFA,
  CONSUME_RECOVERY_CODE,
  COUNT_RECOVERY_CODES_LEFT,
  DELETE_FACTOR,
  DELETE_MFA_FAILURES,
  DELETE_RECOVERY_CODES,
  FACTOR_OF_USER,
  RECOVERY_CODE_USED_AT,
  REPLACE_FACTOR_SECRET,
  SET_MUST_SETUP_MFA,
  START_ENROLMENT,
} from '../statements.ts';
import { lockUser, type Pool, query, type Tx, transaction } from './pg-connection.ts';

/**
 * Every transaction that changes a user's factor or recovery codes first takes the user's row
 * lock, so two of them for one user (on any instance) run one after the other: a regeneration
 * racing an enable can never leave both sets of codes behind. NO KEY UPDATE does not block the
 * KEY SHARE locks that inserts referencing the user (sessions, challenges) take.
 */
const replaceCodes = async (tx: Tx, userId: number, hashes: string[]) => {
  await query(tx, DELETE_RECOVERY_CODES, [userId]);
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
export function pgFactors(
  pool: Pool,
): Omit<FactorStore, 'attemptCodeLogin' | 'disableFactorsForUsers'> {
  return {
    async getFactor(userId) {
      const { rows } = await query<FactorRow>(pool, FACTOR_OF_USER, [userId]);
      return rows[0] ? toFactor(rows[0]) : null;
    },
    async startEnrolment(userId, secret, now, expiresAt) {
      const { rows } = await query<FactorRow>(pool, START_ENROLMENT, [
        userId,
        secret,
        now,
        expiresAt,
      ]);
      return rows[0] ? toFactor(rows[0]) : null;
    },
    async enableFactor({ userId, factorId, lastStep, recoveryCodeHashes, now }) {
      return transaction(pool, async (tx) => {
        await lockUser(tx, userId);
        const activated = await query(tx, ACTIVATE_FACTOR, [factorId, userId, lastStep, now]);
        if (activated.rowCount !== 1) return false;
        await replaceCodes(tx, userId, recoveryCodeHashes);
        await query(tx, CLEAR_MUST_SETUP_MFA, [userId]);
        return true;
      });
    },
    async advanceLastStep(factorId, step) {
      const result = await query(pool, ADVANCE_LAST_STEP, [factorId, step]);
      return result.rowCount === 1;
    },
    async replaceFactorSecret({ userId, factorId, enabledAt, secret, lastStep, now }) {
      const result = await query(pool, REPLACE_FACTOR_SECRET, [
        factorId,
        userId,
        secret,
        lastStep,
        now,
        enabledAt,
      ]);
      return result.rowCount === 1;
    },
    async removeFactor(userId, { mustSetupMfa }) {
      return transaction(pool, async (tx) => {
        await lockUser(tx, userId);
        const removed = await query<{ status: string }>(tx, DELETE_FACTOR, [userId]);
        await query(tx, DELETE_RECOVERY_CODES, [userId]);
        await query(tx, DELETE_MFA_FAILURES, [userId]);
        if (mustSetupMfa) await query(tx, SET_MUST_SETUP_MFA, [userId]);
        return removed.rows.some((r) => r.status === 'active');
      });
    },
    async consumeRecoveryCode(userId, codeHash, now) {
      const result = await query(pool, CONSUME_RECOVERY_CODE, [userId, codeHash, now]);
      return result.rowCount === 1;
    },
    async isRecoveryCodeUsed(userId, codeHash) {
      const { rows } = await query<{ used_at: number | null }>(pool, RECOVERY_CODE_USED_AT, [
        userId,
        codeHash,
      ]);
      return (rows[0]?.used_at ?? null) !== null;
    },
    async replaceRecoveryCodes(userId, codeHashes) {
      await transaction(pool, async (tx) => {
        await lockUser(tx, userId);
        await replaceCodes(tx, userId, codeHashes);
      });
    },
    async countRecoveryCodesLeft(userId) {
      const { rows } = await query<{ n: number }>(pool, COUNT_RECOVERY_CODES_LEFT, [userId]);
      return rows[0]?.n ?? 0;
    },
  };
}
