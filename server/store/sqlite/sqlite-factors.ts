import type Database from 'better-sqlite3';
import type { Store } from '../contract.ts';
import type { FactorMethods } from '../method-groups.ts';
import { type FactorRow, toFactor } from '../rows.ts';
import type { Write } from './write-batch.ts';

/**
 * The factor and recovery-code methods of the SQLite store. `durable` is the group-commit
 * barrier: the replay guard and recovery-code consumption wait on it before resolving.
 */
export function sqliteFactors(
  db: Database.Database,
  write: Write,
  durable: () => Promise<void>,
): Pick<Store, FactorMethods | 'disableFactorsForUsers'> {
  const get = db.prepare('SELECT * FROM factors WHERE user_id = ?');
  const upsertPending = db.prepare(
    `INSERT INTO factors (user_id, status, secret, created_at, expires_at)
     VALUES (?, 'pending', ?, ?, ?)
     ON CONFLICT (user_id) DO UPDATE SET secret = excluded.secret, created_at = excluded.created_at,
       expires_at = excluded.expires_at, last_step = NULL
     WHERE factors.status = 'pending'
     RETURNING *`,
  );
  const activate = db.prepare(
    `UPDATE factors SET status = 'active', last_step = ?, enabled_at = ?, expires_at = NULL
     WHERE id = ? AND user_id = ? AND status = 'pending' AND expires_at > ?`,
  );
  const clearSetupFlag = db.prepare('UPDATE users SET must_setup_mfa = 0 WHERE id = ?');
  const setSetupFlag = db.prepare('UPDATE users SET must_setup_mfa = 1 WHERE id = ?');
  const advance = db.prepare(
    `UPDATE factors SET last_step = ?
     WHERE id = ? AND status = 'active' AND (last_step IS NULL OR last_step < ?)`,
  );
  const removeAll = db.prepare('DELETE FROM factors WHERE user_id = ? RETURNING status');
  const deleteCodes = db.prepare('DELETE FROM recovery_codes WHERE user_id = ?');
  const insertCode = db.prepare('INSERT INTO recovery_codes (user_id, code_hash) VALUES (?, ?)');
  const consume = db.prepare(
    'UPDATE recovery_codes SET used_at = ? WHERE user_id = ? AND code_hash = ? AND used_at IS NULL',
  );
  const left = db.prepare(
    'SELECT count(*) AS n FROM recovery_codes WHERE user_id = ? AND used_at IS NULL',
  );
  const userAuth = db.prepare('SELECT auth_type FROM users WHERE id = ?');
  const endSessions = db.prepare('DELETE FROM sessions WHERE user_id = ? AND id IS NOT ?');

  const replaceCodes = (userId: number, hashes: string[]) => {
    deleteCodes.run(userId);
    for (const h of hashes) insertCode.run(userId, h);
  };
  // Returns whether an active factor was removed.
  const remove = (userId: number, mustSetupMfa: boolean): boolean => {
    const removed = removeAll.all(userId) as { status: string }[];
    deleteCodes.run(userId);
    if (mustSetupMfa) setSetupFlag.run(userId);
    return removed.some((r) => r.status === 'active');
  };

  return {
    async getFactor(userId) {
      const row = get.get(userId) as FactorRow | undefined;
      return row ? toFactor(row) : null;
    },
    async startEnrolment(userId, secret, now, expiresAt) {
      const row = await write(
        () => upsertPending.get(userId, secret, now, expiresAt) as FactorRow | undefined,
      );
      return row ? toFactor(row) : null;
    },
    async enableFactor({ userId, factorId, lastStep, recoveryCodeHashes, now }) {
      const ok = await write(
        () => {
          if (activate.run(lastStep, now, factorId, userId, now).changes !== 1) return false;
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
      // One conditional UPDATE: SQLite serialises writers, so of concurrent callers with one
      // step exactly one sees a change; the rest see last_step >= step.
      const ok = await write(() => advance.run(step, factorId, step).changes === 1);
      if (ok) await durable();
      return ok;
    },
    async removeFactor(userId, { mustSetupMfa }) {
      return write(() => remove(userId, mustSetupMfa), { atomic: true });
    },
    async disableFactorsForUsers(userIds, { markPasswordUsersForSetup, exceptSessionId }) {
      const result = await write(
        () => {
          const disabled: number[] = [];
          const skipped: { id: number; reason: 'USER_NOT_FOUND' | 'MFA_NOT_ENABLED' }[] = [];
          for (const id of new Set(userIds)) {
            const user = userAuth.get(id) as { auth_type: string } | undefined;
            const factor = get.get(id) as FactorRow | undefined;
            if (!user) skipped.push({ id, reason: 'USER_NOT_FOUND' });
            else if (factor?.status !== 'active') skipped.push({ id, reason: 'MFA_NOT_ENABLED' });
            else {
              remove(id, markPasswordUsersForSetup && user.auth_type === 'password');
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
      const ok = await write(() => consume.run(now, userId, codeHash).changes === 1);
      if (ok) await durable();
      return ok;
    },
    async replaceRecoveryCodes(userId, codeHashes) {
      await write(() => replaceCodes(userId, codeHashes), { atomic: true });
      await durable();
    },
    async countRecoveryCodesLeft(userId) {
      return (left.get(userId) as { n: number }).n;
    },
  };
}
