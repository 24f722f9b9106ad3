/**
 * The PostgreSQL store at scale: the 0003 migration (CREATE INDEX CONCURRENTLY, outside a
 * transaction) on a populated database, the same search answers as SQLite (both against one
 * reference filter), and EXPLAIN of every listing, search, audit filter and housekeeping
 * statement over a seeded, analysed table, also for a statement prepared by name. Figures at a
 * million users: `npm run bench -- scale`.
 */
import { copyFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PRUNE_EXPIRED_ENROLMENTS } from '../../sdk/verifier/store/statements.ts';
import type { Store } from '../../server/store/contract.ts';
import { HOUSEKEEPING_BATCH } from '../../server/store/housekeeping.ts';
import { openPool, type Pool, query } from '../../server/store/postgres/pg-connection.ts';
import { migratePostgres } from '../../server/store/postgres/pg-migrate.ts';
import { openPostgresStore } from '../../server/store/postgres/postgres-store.ts';
import {
  auditPageStatement,
  endSessionsWithoutMfaStatement,
  PRUNE_CHALLENGES_BATCH,
  PRUNE_EXPIRED_SESSIONS_BATCH,
  PRUNE_IDLE_SESSIONS_BATCH,
  userCountStatement,
  userPageStatement,
} from '../../server/store/statements.ts';
import { seedPostgresPopulation } from '../support/population.ts';
import { connect, createTestDatabase, postgresAvailable } from '../support/postgres.ts';
import {
  expectedCount,
  expectedSearch,
  searchAll,
  searchCases,
  specialPeople,
} from './search-cases.ts';

const available = await postgresAvailable();
const USERS = 50_000;
const migrations = fileURLToPath(
  new URL('../../server/store/postgres/migrations', import.meta.url),
);

describe.skipIf(!available)('postgres at scale', () => {
  let db: { url: string; drop: () => Promise<void> };
  let store: Store;
  let pool: Pool;
  let dir: string;

  beforeAll(async () => {
    db = await createTestDatabase('mfa_scale');
    // A database as the releases before 0003 left it, populated.
    dir = mkdtempSync(join(tmpdir(), 'mfa-pg-migrations-'));
    for (const f of readdirSync(migrations).filter((f) => f < '0003')) {
      copyFileSync(join(migrations, f), join(dir, f));
    }
    pool = openPool({ url: db.url, poolSize: 2 });
    await migratePostgres(pool, dir);
    const seeder = await connect(db.url);
    await seedPostgresPopulation(seeder, USERS, USERS);
    await seeder.end();
    store = openPostgresStore({ url: db.url, poolSize: 4 });
  });
  afterAll(async () => {
    await store?.close();
    await pool?.end();
    await db?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('builds the new indexes on the populated tables while users keep being written', async () => {
    // A writer on the users table all along the migration: CONCURRENTLY never blocks it long.
    let writing = true;
    let written = 0;
    const writer = (async () => {
      while (writing) {
        await store.createUser(
          { ...specialPeople[0]!, username: `during${written}@odd.test`, name: 'During' },
          0,
        );
        written++;
      }
    })();
    await store.migrate();
    writing = false;
    await writer;
    expect(written).toBeGreaterThan(0);
    const { rows } = await query<{ name: string; valid: boolean }>(
      pool,
      `SELECT c.relname AS name, i.indisvalid AS valid FROM pg_index i
       JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname LIKE ANY ($1)`,
      [
        [
          'users_%_trgm',
          'users_by_kind',
          'audit_by_%',
          'sessions_by_%',
          'mfa_verifier_factors_by_expiry',
        ],
      ],
    );
    expect(rows).toHaveLength(10);
    expect(rows.every((r) => r.valid)).toBe(true);
    // The rows written during the build are in the index too.
    expect((await store.listUsers({ q: 'during0@', limit: 5 })).users).toHaveLength(1);
    await query(pool, "DELETE FROM users WHERE username LIKE 'during%'");
    for (const p of specialPeople) await store.createUser(p, 0);
    await query(pool, 'ANALYZE');
  });

  it.each(searchCases)('finds what SQLite and the reference filter find: %s', async (q) => {
    const found = await searchAll(store, q);
    const added = (await store.listUsers({ limit: 200, cursor: USERS })).users;
    expect(found).toEqual(expectedSearch(q, USERS, added));
  });

  it.each(searchCases)('counts what the search finds, up to the cap: %s', async (q) => {
    const found = await searchAll(store, q);
    for (const cap of [3, 10_000]) {
      expect(await store.countUserMatches({ q }, cap)).toEqual(expectedCount(q, found, cap));
    }
  });

  const plan = async (text: string, values: unknown[]) => {
    const { rows } = await query<{ 'QUERY PLAN': string }>(pool, `EXPLAIN ${text}`, values);
    return rows.map((r) => r['QUERY PLAN']).join('\n');
  };
  const noScan = /Seq Scan|Hash Join|Hash Anti Join|Hash Semi Join/;

  it.each([
    ['a rare e-mail', '%anna.smith4711@%'],
    ['a name that matches nothing', '%zzqxj%'],
  ])('searches %s with the trigram indexes', async (_, pattern) => {
    const text = userPageStatement('postgres', { kind: true, search: 'index', windowEnd: false });
    const shown = await plan(text, [0, 11, 'contact', pattern]);
    expect(shown).toMatch(/Bitmap Index Scan on users_username_trgm/);
    expect(shown).toMatch(/Bitmap Index Scan on users_name_trgm/);
    expect(shown).not.toMatch(noScan);
  });

  it('plans a search prepared by name with its values too (no generic plan)', async () => {
    const text = userPageStatement('postgres', { kind: false, search: 'index', windowEnd: false });
    const conn = await pool.connect();
    try {
      await conn.query(`PREPARE search AS ${text}`);
      // Past the five custom plans after which PostgreSQL may switch to a generic one.
      for (let i = 0; i < 8; i++) await conn.query("EXECUTE search (0, 11, '%anna.smith4711@%')");
      const { rows } = await conn.query("EXPLAIN EXECUTE search (0, 11, '%anna.smith4711@%')");
      const shown = rows.map((r: Record<string, string>) => r['QUERY PLAN']).join('\n');
      expect(shown).toMatch(/Bitmap Index Scan on users_username_trgm/);
      await conn.query('DEALLOCATE search');
    } finally {
      conn.release();
    }
  });

  it('computes the MFA column for the rows of the page only', async () => {
    const shown = await plan(
      userPageStatement('postgres', { kind: false, windowEnd: false }),
      [0, 11],
    );
    // The factors are read by the outer query (SubPlan over the page), one index probe a row (the
    // verifier's primary key, or its (status, user_id) index, which answers without the table).
    expect(shown).toMatch(
      /^Subquery Scan on p[\s\S]*Limit[\s\S]*SubPlan 1\n\s+->\s+Index (Only )?Scan using mfa_verifier_factors_(pkey|by_status)/,
    );
    expect(shown).not.toMatch(noScan);
  });

  it('counts by the same indexes, stopping at the cap', async () => {
    const shown = await plan(
      userCountStatement('postgres', { kind: true, search: 'index', windowEnd: false }),
      [0, 10_001, 'contact', '%smith%'],
    );
    expect(shown).toMatch(/Limit[\s\S]*Bitmap Index Scan on users_username_trgm/);
    expect(shown).not.toMatch(noScan);
    const all = await plan(userCountStatement('postgres', { kind: true, windowEnd: false }), [
      0,
      10_001,
      'contact',
    ]);
    expect(all).toMatch(/^Aggregate[\s\S]*Limit/);
  });

  it('serves a kind whatever its share, by index', async () => {
    // With contacts alone shown: the planner may walk the primary key and filter (70 %) or the
    // kind index, but never reads the table whole.
    for (const kind of ['employee', 'contact']) {
      const shown = await plan(userPageStatement('postgres', { kind: true, windowEnd: false }), [
        0,
        11,
        kind,
      ]);
      expect(shown).toMatch(/Index Scan using (users_pkey|users_by_kind)/);
      expect(shown).not.toMatch(noScan);
    }
  });

  it.each([
    ['whole', {}, [], /Index Scan Backward using audit_by_time/],
    ['after a cursor', { cursor: true }, [1e15, 9], /audit_by_time[\s\S]*ROW\(at, id\) </],
    ['by actor', { actor: true }, ['anna.smith4711@acme.test'], /using audit_by_actor/],
    ['by action', { action: true, cursor: true }, [1e15, 9, 'mfa.reset'], /using audit_by_action/],
    ['by dates', { from: true, to: true }, [1, 1e15], /using audit_by_time/],
  ] as const)(
    'reads the audit log %s from its index in order',
    async (_, filters, values, uses) => {
      const shape = {
        cursor: false,
        actor: false,
        action: false,
        from: false,
        to: false,
        ...filters,
      };
      const shown = await plan(auditPageStatement(shape), [11, ...values]);
      expect(shown).toMatch(uses);
      expect(shown).not.toMatch(/Seq Scan|Sort/);
    },
  );

  it.each([
    [PRUNE_CHALLENGES_BATCH, /challenges_by_expiry/],
    [PRUNE_EXPIRED_ENROLMENTS, /mfa_verifier_factors_by_expiry/],
    [PRUNE_EXPIRED_SESSIONS_BATCH, /sessions_by_expiry/],
    [PRUNE_IDLE_SESSIONS_BATCH, /sessions_by_last_seen/],
  ])('housekeeping deletes by index: %#', async (text, uses) => {
    // Empty tables: the planner would scan them; disabling the scan shows which index serves.
    const conn = await pool.connect();
    try {
      await conn.query('SET enable_seqscan = off');
      const { rows } = await conn.query(`EXPLAIN ${text}`, [1, HOUSEKEEPING_BATCH]);
      const shown = rows.map((r: Record<string, string>) => r['QUERY PLAN']).join('\n');
      expect(shown).toMatch(uses);
      expect(shown).not.toMatch(/Seq Scan/);
      await conn.query('RESET enable_seqscan');
    } finally {
      conn.release();
    }
  });

  it('turning the policy on walks sessions by key, not the users', async () => {
    const shown = await plan(endSessionsWithoutMfaStatement(true), ['', 'z', 'zz']);
    expect(shown).not.toMatch(/Seq Scan on users|Hash/);
  });
});
