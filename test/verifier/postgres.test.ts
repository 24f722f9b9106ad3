/**
 * The verifier's contract on the machine's PostgreSQL (a fresh database per run, dropped after),
 * with the application's own pool as its database, and one success across two processes.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVerifier } from '../../sdk/verifier/index.ts';
import { connect, createTestDatabase, postgresAvailable } from '../support/postgres.ts';
import { verifyFromTwoProcesses } from './support/two-processes.ts';
import { newKey, runVerifierContract } from './verifier-contract.ts';

const available = await postgresAvailable();
let db: { url: string; drop: () => Promise<void> };
let admin: pg.Client;

if (available) {
  beforeAll(async () => {
    db = await createTestDatabase('mfa_verifier');
    admin = await connect(db.url);
  });
  afterAll(async () => {
    await admin?.end();
    await db?.drop();
  });

  runVerifierContract('PostgreSQL', {
    database: () => db.url,
    reset: async () => {
      const { rows } = await admin.query<{ tablename: string }>(
        "SELECT tablename FROM pg_tables WHERE tablename LIKE 'mfa\\_verifier\\_%' AND tablename <> 'mfa_verifier_migrations'",
      );
      if (rows.length > 0) {
        await admin.query(`TRUNCATE ${rows.map((r) => r.tablename).join(', ')}`);
      }
    },
    rows: async (sql) => (await admin.query(sql)).rows,
  });

  describe('verifier on PostgreSQL', () => {
    it("uses the application's own pool, and leaves it open on close", async () => {
      const pool = new pg.Pool({ connectionString: db.url, max: 3 });
      const verifier = await createVerifier({ database: pool, encryptionKey: newKey() });
      await verifier.enrol('pool-user', { issuer: 'Acme', account: 'p' });
      expect((await verifier.status('pool-user')).state).toBe('pending');
      await verifier.close();
      const { rows } = await pool.query(
        "SELECT status FROM mfa_verifier_factors WHERE user_id = 'pool-user'",
      );
      expect(rows).toEqual([{ status: 'pending' }]);
      await pool.end();
    });

    it('of 50 concurrent calls with one code from two processes, exactly one succeeds', async () => {
      const results = await verifyFromTwoProcesses(db.url);
      expect(results.map((r) => r.total)).toEqual([25, 25]);
      expect(results[0]!.ok + results[1]!.ok).toBe(1);
    }, 60_000);
  });
}
