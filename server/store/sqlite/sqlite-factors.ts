import type Database from 'better-sqlite3';
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
  END_USER_SESSIONS,
  FACTOR_OF_USER,
  RECORD_ENDED_USER_SESSIONS,
  RECOVERY_CODE_USED_AT,
  REPLACE_FACTOR_SECRET,
  SET_MUST_SETUP_MFA,
  START_ENROLMENT,
  USER_BY_ID,
} from '../statements.ts';
import { statement } from './statement.ts';
import type { Write } from './write-batch.ts';

/**
 * The factor and recovery-code methods of the SQLite store. `durable` is the group-commit
 * barrier: the replay guard and recovery-code consumption wait on it before resolving.
 */
export function sqliteFactors(
  db: Database.Database,
  write: Write,
  durable: () => Promise<void>,
): Omit<FactorStore, 'attemptCodeLogin'> {
  const get = statement<FactorRow>(db, FACTOR_OF_USER);
  const upsertPending = statement<FactorRow>(db, START_ENROLMENT);
  const activate = statement(db, ACTIVATE_FACTOR);
  const clearSetupFlag = statement(db, CLEAR_MUST_SETUP_MFA);
  const setSetupFlag = statement(db, SET_MUST_SETUP_MFA);
  const advance = statement(db, ADVANCE_LAST_STEP);
  const replaceSecret = statement(db, REPLACE_FACTOR_SECRET);
  const usedAt = statement<{ used_at: number | null }>(db, RECOVERY_CODE_USED_AT);
  const removeAll = statement<{ status: string }>(db, DELETE_FACTOR);
  const deleteCodes = statement(db, DELETE_RECOVERY_CODES);
  // One row a statement: SQLite has no array parameter to unnest.
  const insertCode = db.prepare('INSERT INTO recovery_codes (user_id, code_hash) VALUES (?, ?)');
  const consume = statement(db, CONSUME_RECOVERY_CODE);
  const left = statement<{ n: number }>(db, COUNT_RECOVERY_CODES_LEFT);
  const userById = statement<{ auth_type: string }>(db, USER_BY_ID);
  const endSessions = statement(db, END_USER_SESSIONS);
  const recordEnded = statement(db, RECORD_ENDED_USER_SESSIONS);

  const replaceCodes = (userId: number, hashes: string[]) => {
    deleteCodes.run(userId);
    for (const h of hashes) insertCode.run(userId, h);
  };
  // Returns whether an active factor was removed.
  const deleteMfaFailures = statement(db, DELETE_MFA_FAILURES);
  const remove = (userId: number, mustSetupMfa: boolean): boolean => {
    const removed = removeAll.all(userId);
    deleteCodes.run(userId);
    if (mustSetupMfa) setSetupFlag.run(userId);
    return removed.some((r) => r.status === 'active');
  };

  return {
    async getFactor(userId) {
      const row = get.get(userId);
      return row ? toFactor(row) : null;
    },
    async startEnrolment(userId, secret, now, expiresAt) {
      const row = await write(() => upsertPending.get(userId, secret, now, expiresAt));
      return row ? toFactor(row) : null;
    },
    async enableFactor({ userId, factorId, lastStep, recoveryCodeHashes, now }) {
      const ok = await write(
        () => {
          if (activate.run(factorId, userId, lastStep, now).changes !== 1) return false;
          replaceCodes(userId, recoveryCodeHashes);
          clearSetupFlag.run(userId);
          return true;
        },
        { atomic: true },
      );
      if (ok) await durable();
      return ok;
    },
    async advanceLastStep(factorId, step) {
      const ok = await write(() => advance.run(factorId, step).changes === 1);
      if (ok) await durable();
      return ok;
    },
    async replaceFactorSecret({ userId, factorId, enabledAt, secret, lastStep, now }) {
      const ok = await write(
        () => replaceSecret.run(factorId, userId, secret, lastStep, now, enabledAt).changes === 1,
      );
      if (ok) await durable();
      return ok;
    },
    async removeFactor(userId, { mustSetupMfa }) {
      return write(
        () => {
          deleteMfaFailures.run(userId);
          return remove(userId, mustSetupMfa);
        },
        { atomic: true },
      );
    },
    async disableFactorsForUsers(userIds, { markPasswordUsersForSetup, exceptSessionId }) {
      const result = await write(
        () => {
          const disabled: number[] = [];
          const skipped: { id: number; reason: 'USER_NOT_FOUND' | 'MFA_NOT_ENABLED' }[] = [];
          for (const id of new Set(userIds)) {
            const user = userById.get(id);
            const factor = get.get(id);
            if (!user) skipped.push({ id, reason: 'USER_NOT_FOUND' });
            else if (factor?.status !== 'active') skipped.push({ id, reason: 'MFA_NOT_ENABLED' });
            else {
              remove(id, markPasswordUsersForSetup && user.auth_type === 'password');
              recordEnded.run(id, exceptSessionId ?? null, 'mfa_changed');
              endSessions.run(id, exceptSessionId ?? null);
              disabled.push(id);
            }
          }
          return { disabled, skipped };
        },
        { atomic: true },
      );
      await durable();
      return result;
    },
    async consumeRecoveryCode(userId, codeHash, now) {
      const ok = await write(() => consume.run(userId, codeHash, now).changes === 1);
      if (ok) await durable();
      return ok;
    },
    async isRecoveryCodeUsed(userId, codeHash) {
      return (usedAt.get(userId, codeHash)?.used_at ?? null) !== null;
    },
    async replaceRecoveryCodes(userId, codeHashes) {
      await write(() => replaceCodes(userId, codeHashes), { atomic: true });
      await durable();
    },
    async countRecoveryCodesLeft(userId) {
      return left.get(userId)?.n ?? 0;
    },
  };
}
