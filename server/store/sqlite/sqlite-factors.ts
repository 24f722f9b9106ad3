import type Database from 'better-sqlite3';
import type { FactorRow } from '../../../sdk/verifier/store/flow.ts';
import type { SqliteFlowRunner } from '../../../sdk/verifier/store/sqlite-database.ts';
import { FACTOR_SNAPSHOT } from '../../../sdk/verifier/store/statements.ts';
import type { BatchDisableResult, FactorStore } from '../contract.ts';
import { toFactor } from '../rows.ts';
import {
  END_USER_SESSIONS,
  RECORD_ENDED_USER_SESSIONS,
  SET_MUST_SETUP_MFA,
  USER_BY_ID,
} from '../statements.ts';
import { statement, writeRunner } from './statement.ts';
import type { Write } from './write-batch.ts';

/**
 * The second factor of the SQLite store: the verifier's flows (`runner`) run inside a savepoint
 * of the current group commit, with the server's own writes after them, then wait on the durable
 * barrier. better-sqlite3 is synchronous and one process owns the file, so nothing runs between
 * a flow's read of the user's row and its writes.
 */
export function sqliteFactors(
  db: Database.Database,
  runner: SqliteFlowRunner,
  write: Write,
  durable: () => Promise<void>,
): Omit<FactorStore, 'attemptCodeLogin'> {
  const userById = statement<{ auth_type: string }>(db, USER_BY_ID);
  const setSetupFlag = statement(db, SET_MUST_SETUP_MFA);
  const endSessions = statement(db, END_USER_SESSIONS);
  const recordEnded = statement(db, RECORD_ENDED_USER_SESSIONS);
  const runWrites = writeRunner(db);

  return {
    async getFactor(userId) {
      const [row] = runner.rows<FactorRow>(FACTOR_SNAPSHOT, [String(userId)]);
      return row ? toFactor(row) : null;
    },
    async runFactorFlow(flow, then) {
      const decision = await write(
        () => {
          const decided = runner.decide(flow);
          if (then) runWrites(then(decided.result));
          return decided;
        },
        { atomic: true },
      );
      if (decision.writes.length > 0 || then) await durable();
      return decision;
    },
    async disableFactorsForUsers(userIds, { disable, markPasswordUsersForSetup, exceptSessionId }) {
      const result = await write(
        (): BatchDisableResult => {
          const disabled: number[] = [];
          const skipped: BatchDisableResult['skipped'] = [];
          for (const id of new Set(userIds)) {
            const user = userById.get(id);
            if (!user) {
              skipped.push({ id, reason: 'USER_NOT_FOUND' });
            } else if (
              // A pending set-up is no MFA to disable, and is left to finish.
              runner.rows<FactorRow>(FACTOR_SNAPSHOT, [String(id)])[0]?.status !== 'active' ||
              !runner.decide(disable(String(id))).result
            ) {
              skipped.push({ id, reason: 'MFA_NOT_ENABLED' });
            } else {
              if (markPasswordUsersForSetup && user.auth_type === 'password') setSetupFlag.run(id);
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
  };
}
