import type { FactorRow } from '../../../sdk/verifier/store/flow.ts';
import { decideOnPostgres } from '../../../sdk/verifier/store/postgres-database.ts';
import { FACTOR_SNAPSHOT } from '../../../sdk/verifier/store/statements.ts';
import type { FactorStore } from '../contract.ts';
import { toFactor } from '../rows.ts';
import { flowClient, type Pool, query, transaction } from './pg-connection.ts';

/**
 * The second factor of the PostgreSQL store: each of the verifier's flows in one transaction
 * that locks the user's factor row (`FOR UPDATE`, in `decideOnPostgres`), so two flows of one
 * user on any instance run one after the other, with the server's own writes in the same commit
 * (durable: `synchronous_commit=on` on every connection).
 */
export function pgFactors(pool: Pool): Pick<FactorStore, 'getFactor' | 'runFactorFlow'> {
  return {
    async getFactor(userId) {
      const { rows } = await query<FactorRow>(pool, FACTOR_SNAPSHOT, [String(userId)]);
      return rows[0] ? toFactor(rows[0]) : null;
    },
    async runFactorFlow(flow, then) {
      return transaction(pool, async (tx) => {
        const decision = await decideOnPostgres(flowClient(tx), flow);
        for (const { text, values } of then?.(decision.result) ?? []) {
          await query(tx, text, values);
        }
        return decision;
      });
    },
  };
}
