/**
 * The store contract against the machine's PostgreSQL (a fresh database per run, dropped after),
 * plus what only a networked store has to show: the same guarantees across two pools (two server
 * instances), migrations under an advisory lock, and "unavailable" instead of a wrong answer
 * when the database goes away.
 */
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateCode, parseKeyUri } from '../../sdk/otp/index.ts';
import { disableFlow, factorFlows } from '../../sdk/verifier/factor-flows.ts';
import { keyringOf } from '../../sdk/verifier/secret-box.ts';
import { decideOnPostgres } from '../../sdk/verifier/store/postgres-database.ts';
import type { NewUser, Store } from '../../server/store/contract.ts';
import {
  flowClient,
  openPool,
  query,
  transaction,
} from '../../server/store/postgres/pg-connection.ts';
import { migratePostgres } from '../../server/store/postgres/pg-migrate.ts';
import { openPostgresStore } from '../../server/store/postgres/postgres-store.ts';
import { StoreUnavailableError } from '../../server/store/store-unavailable.ts';
import {
  adminDatabaseUrl,
  connect,
  createTestDatabase,
  postgresAvailable,
} from '../support/postgres.ts';
import { expectCountedToTheLockOnly, wrongCode } from './code-login-contract.ts';
import { runStoreContract } from './contract-suite.ts';
import { oldFactors } from './factor-move.ts';

const available = await postgresAvailable();
let db: { url: string; drop: () => Promise<void> };
const tables =
  'users, mfa_verifier_factors, mfa_verifier_recovery_codes, rate_limits, challenges, sessions, settings, audit_events';

if (available) {
  beforeAll(async () => {
    db = await createTestDatabase('mfa_store');
  });
  afterAll(async () => {
    await db?.drop();
  });

  // One database for the run; every test starts from empty tables (a database per test would
  // cost a CREATE DATABASE each).
  runStoreContract('postgres', async () => {
    const store = openPostgresStore({ url: db.url, poolSize: 10 });
    await store.migrate();
    const admin = openPool({ url: db.url, poolSize: 1 });
    await query(admin, `TRUNCATE ${tables} RESTART IDENTITY CASCADE`);
    await admin.end();
    // Every connection of the pool open before a case starts: otherwise a burst of concurrent
    // calls runs mostly one after another while connections are still being made, and a missing
    // row lock would go unseen.
    await Promise.all(Array.from({ length: 10 }, () => store.countUsers()));
    return { store, close: () => store.close() };
  });
} else {
  it.skip('store contract: postgres (PostgreSQL unreachable)', () => {});
}

const T0 = 1_700_000_000_000;
const MIN = 60_000;
const person = (username: string): NewUser => ({
  username,
  name: username,
  kind: 'employee',
  role: 'user',
  authType: 'password',
  passwordHash: null,
});

describe.skipIf(!available)('postgres store across instances', () => {
  let a: Store;
  let b: Store;
  beforeAll(async () => {
    a = openPostgresStore({ url: db.url, poolSize: 5 });
    b = openPostgresStore({ url: db.url, poolSize: 5 });
    await Promise.all([a.migrate(), b.migrate()]);
  });
  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
  });
  // Alternates the two instances' pools, like a round-robin load balancer.
  const both = <T>(n: number, call: (s: Store) => Promise<T>) =>
    Promise.all(Array.from({ length: n }, (_, i) => call(i % 2 === 0 ? a : b)));

  const flows = factorFlows({
    keyring: keyringOf([randomBytes(32)]),
    limits: { threshold: 10, lockMs: 15 * MIN },
    enrolmentTtlMs: 10 * MIN,
    recoveryCodeCount: 2,
    now: () => T0,
    secretContext: (id) => `factor:${id}`,
  });
  /** A user set up on one instance and confirmed by one of 20 confirms split across both. */
  const activeUser = async (username: string) => {
    const user = (await a.createUser(person(username), T0))!;
    const id = String(user.id);
    const { uri, flow } = flows.enrol(id, { issuer: 'MFA Companion', account: username });
    await b.runFactorFlow(flow);
    const account = parseKeyUri(uri);
    const code = generateCode(account, T0);
    const confirms = await both(20, (s) => s.runFactorFlow(flows.confirm(id, code)));
    const issued = confirms.flatMap((d) => ('recoveryCodes' in d.result ? [d.result] : []));
    expect(issued).toHaveLength(1);
    return { user, id, account, recoveryCodes: issued[0]!.recoveryCodes };
  };

  it('gives one success to 40 verifications of one code split across two pools', async () => {
    const { id, account } = await activeUser('replay@x.test');
    const code = generateCode(account, T0 + 30_000);
    const results = await both(40, (s) => s.runFactorFlow(flows.verify(id, code)));
    expect(results.filter((d) => d.result?.ok)).toHaveLength(1);
    expect(results.filter((d) => d.events.includes('replayed'))).toHaveLength(39);
  });

  it('uses a recovery code once across two pools', async () => {
    const { user, id, recoveryCodes } = await activeUser('codes@x.test');
    const results = await both(40, (s) => s.runFactorFlow(flows.verify(id, recoveryCodes[1]!)));
    expect(results.filter((d) => d.result?.ok)).toHaveLength(1);
    expect((await b.getFactor(user.id))?.recoveryCodesLeft).toBe(1);
  });

  it('counts at most the threshold of wrong codes across two pools', async () => {
    const { user, id, account } = await activeUser('brute@x.test');
    const code = wrongCode(account, T0);
    const results = await both(40, (s) => s.runFactorFlow(flows.verify(id, code)));
    expect(results.filter((d) => d.events.includes('failed'))).toHaveLength(10);
    expect(results.filter((d) => d.events.includes('locked'))).toHaveLength(1);
    expect((await a.getFactor(user.id))?.lockedUntil).toBe(T0 + 15 * MIN);
  });

  it('decides one user’s code attempts one after another across two pools', async () => {
    const { user, id, account } = await activeUser('attempts@x.test');
    const ids = Array.from({ length: 40 }, (_, i) => `att${i}`);
    for (const challengeId of ids) {
      await a.createChallenge({
        id: challengeId,
        userId: user.id,
        kind: 'mfa',
        binding: 'b',
        createdAt: T0,
        expiresAt: T0 + 300_000,
      });
    }
    const attempt = async (i: number, code: string) => {
      const outcome = await (i % 2 === 0 ? a : b).attemptCodeLogin({
        challengeId: ids[i]!,
        now: T0 + 1,
        maxAttempts: 5,
        verify: flows.verify(id, code),
        session: { id: `att-s${i}`, userId: user.id, createdAt: T0, expiresAt: T0 + 1e6, ip: 'x' },
        audit: [],
      });
      if (outcome.outcome !== 'decided') throw new Error(`challenge ${ids[i]} ended`);
      return outcome.decision;
    };
    // Twenty carry the next step's code at once: one is accepted, the others are replays.
    const next = generateCode(account, T0 + 30_000);
    const right = await Promise.all(Array.from({ length: 20 }, (_, i) => attempt(i, next)));
    expect(right.filter((d) => d.result?.ok)).toHaveLength(1);
    expect(right.filter((d) => d.events.includes('replayed'))).toHaveLength(19);
    // Twenty wrong ones at once: decided one after another, exactly ten are counted, the tenth
    // locks the factor, and the rest meet the lock.
    const wrong = wrongCode(account, T0);
    const decisions = await Promise.all(
      Array.from({ length: 20 }, (_, i) => attempt(20 + i, wrong)),
    );
    expectCountedToTheLockOnly(decisions);
    // One session, the success's.
    const sessions = await Promise.all(ids.map((_, i) => b.getSession(`att-s${i}`)));
    expect(sessions.filter((x) => x !== null)).toHaveLength(1);
  });

  it('survives a transaction whose backend is terminated between two statements', async () => {
    // The backend's death reaches the driver at any point relative to the next statement:
    // before it is written (the connection emits an error while checked out, which must not be
    // an uncaught error that ends the process), while it is on the wire, or after. postgres.js
    // crashed the process on the first (porsager/postgres#1208) and left the statement
    // unsettled on the second; hence every delay from 0 to 30 ms. Each must fail as unavailable.
    const pool = openPool({ url: db.url, poolSize: 2 });
    const killer = await connect(db.url);
    const hung = Symbol('hung');
    try {
      for (let delay = 0; delay <= 30; delay++) {
        const run = transaction(pool, async (tx) => {
          const { rows } = await query<{ pid: number }>(tx, 'SELECT pg_backend_pid() AS pid');
          await killer.query('SELECT pg_terminate_backend($1)', [rows[0]!.pid]);
          if (delay > 0) await new Promise((r) => setTimeout(r, delay));
          // Odd delays: the next statement is a verifier flow's, as every factor change sends.
          if (delay % 2 === 0) await query(tx, 'SELECT 1');
          else await decideOnPostgres(flowClient(tx), disableFlow('nobody'));
        });
        let timer: NodeJS.Timeout | undefined;
        const outcome = await Promise.race([
          run.then(
            () => 'committed',
            (error: unknown) => error,
          ),
          new Promise<typeof hung>((r) => {
            timer = setTimeout(() => r(hung), 3000);
          }),
        ]).finally(() => clearTimeout(timer));
        expect([delay, outcome]).toSatisfy(
          ([, o]: [number, unknown]) => o instanceof StoreUnavailableError,
        );
      }
      // Where an error outside any promise would have failed the run.
      await new Promise((r) => setTimeout(r, 100));
      // And the pool still answers, on fresh connections.
      expect((await query(pool, 'SELECT 1 AS one')).rows[0]).toEqual({ one: 1 });
    } finally {
      await Promise.all([pool.end(), killer.end()]);
    }
  });

  it('fails a query at once while the database refuses connections after a kill mid-query', async () => {
    // postgres.js filed the refusal of the reconnect as the killed query's error and never
    // failed the next one: it waited the store's whole 15 s limit (the restart test saw it).
    const pool = openPool({ url: db.url, poolSize: 1 });
    const admin = await connect(adminDatabaseUrl);
    const name = new URL(db.url).pathname.slice(1);
    const hung = Symbol('hung');
    const within = async (ms: number, pending: Promise<unknown>) => {
      let timer: NodeJS.Timeout | undefined;
      return Promise.race([
        pending.then(
          () => 'ok',
          (error: { reason?: string }) => error.reason,
        ),
        new Promise<typeof hung>((r) => {
          timer = setTimeout(() => r(hung), ms);
        }),
      ]).finally(() => clearTimeout(timer));
    };
    try {
      const { rows } = await query<{ pid: number }>(pool, 'SELECT pg_backend_pid() AS pid');
      const sleeping = within(5000, query(pool, 'SELECT pg_sleep(3)'));
      await admin.query(`ALTER DATABASE "${name}" ALLOW_CONNECTIONS false`);
      await admin.query('SELECT pg_terminate_backend($1)', [rows[0]!.pid]);
      expect(['57P01', 'CONNECTION_LOST']).toContain(await sleeping);
      // Refused by the database (55000), not left waiting.
      expect(await within(3000, query(pool, 'SELECT 1'))).toBe('55000');
      await admin.query(`ALTER DATABASE "${name}" ALLOW_CONNECTIONS true`);
      expect(await within(3000, query(pool, 'SELECT 1'))).toBe('ok');
    } finally {
      await admin.query(`ALTER DATABASE "${name}" ALLOW_CONNECTIONS true`);
      await Promise.all([pool.end(), admin.end()]);
    }
  });

  it('consumes a challenge once and rate-limits exactly across two pools', async () => {
    const user = (await a.createUser(person('chal@x.test'), T0))!;
    const challenge = { userId: user.id, kind: 'mfa' as const, binding: 'b', createdAt: T0 };
    await a.createChallenge({ ...challenge, id: 'cx', expiresAt: T0 + 300_000 });
    const consumed = await both(40, (s) => s.consumeChallenge('cx', T0 + 1));
    expect(consumed.filter(Boolean)).toHaveLength(1);
    const hits = await both(40, (s) =>
      s.hitRateLimit('x|1.1.1.1', T0, { limit: 7, windowMs: 60_000 }),
    );
    expect(hits.filter((h) => h.allowed)).toHaveLength(7);
  });

  it('sees a session revoked by the other instance at once', async () => {
    const user = (await a.createUser(person('sess@x.test'), T0))!;
    await a.createSession({
      id: 'sx',
      userId: user.id,
      createdAt: T0,
      expiresAt: T0 + 1e6,
      ip: 'x',
    });
    expect(await b.getSession('sx')).not.toBeNull();
    expect(await b.endUserSessions(user.id)).toBe(1);
    expect(await a.getSession('sx')).toBeNull();
  });
});

describe.skipIf(!available)('postgres migrations', () => {
  it('applies each version once when four instances start at the same moment', async () => {
    const fresh = await createTestDatabase('mfa_migrate');
    const stores = Array.from({ length: 4 }, () =>
      openPostgresStore({ url: fresh.url, poolSize: 2 }),
    );
    try {
      await Promise.all(stores.map((s) => s.migrate()));
      const admin = await connect(fresh.url);
      const { rows } = await admin.query<{ version: number; n: number }>(
        'SELECT version, count(*)::int AS n FROM schema_migrations GROUP BY version',
      );
      await admin.end();
      expect(rows.length).toBeGreaterThan(0);
      expect(rows.every((r) => r.n === 1)).toBe(true);
      expect(await stores[3]!.countUsers()).toBe(0);
    } finally {
      await Promise.all(stores.map((s) => s.close()));
      await fresh.drop();
    }
  });
});

describe.skipIf(!available)('postgres migration 0008', () => {
  it("moves each factor, its recovery codes and its lockout into the verifier's tables, working as before", async () => {
    const fresh = await createTestDatabase('mfa_migrate_0008');
    // A database as the releases before 0008 left it: migrations up to 0007, no verifier tables.
    const before = mkdtempSync(join(tmpdir(), 'mfa-pg-migrations-'));
    const migrations = fileURLToPath(
      new URL('../../server/store/postgres/migrations', import.meta.url),
    );
    for (const f of readdirSync(migrations).filter((f) => f < '0008')) {
      copyFileSync(join(migrations, f), join(before, f));
    }
    const pool = openPool({ url: fresh.url, poolSize: 2 });
    const store = openPostgresStore({ url: fresh.url, poolSize: 2 });
    try {
      expect(await migratePostgres(pool, before)).toEqual([1, 2, 3, 4, 5, 6, 7]);
      // `migratePostgres` makes the verifier's tables first; the releases before 0008 had none.
      await query(
        pool,
        'DROP TABLE mfa_verifier_recovery_codes, mfa_verifier_factors, mfa_verifier_migrations',
      );
      const { statements, check } = oldFactors(Date.now());
      for (const { text, values } of statements) await query(pool, text, values);

      await store.migrate();
      await check(store);
      const { rows } = await query<{ name: string }>(
        pool,
        `SELECT table_name AS name FROM information_schema.tables
         WHERE table_name IN ('factors', 'recovery_codes', 'failure_counters')`,
      );
      expect(rows).toEqual([]);
    } finally {
      await store.close();
      await pool.end();
      await fresh.drop();
      rmSync(before, { recursive: true, force: true });
    }
  });
});

describe.skipIf(!available)('postgres unavailability', () => {
  it('rejects with StoreUnavailableError when nothing listens', async () => {
    const store = openPostgresStore({
      url: 'postgres://postgres@127.0.0.1:1/none',
      connectTimeout: 2,
    });
    await expect(store.getPolicy()).rejects.toBeInstanceOf(StoreUnavailableError);
    await store.close();
  });

  it('fails in-flight queries as unavailable when backends are killed, then recovers', async () => {
    const store = openPostgresStore({ url: db.url, poolSize: 3 });
    await store.migrate();
    const admin = await connect(db.url);
    try {
      // Three writes wait on a table lock, holding the pool's connections, while their
      // backends are terminated.
      let locked: () => void = () => {};
      const lockTaken = new Promise<void>((resolve) => {
        locked = resolve;
      });
      const lock = (async () => {
        await admin.query('BEGIN');
        await admin.query('LOCK TABLE audit_events IN ACCESS EXCLUSIVE MODE');
        locked();
        await admin.query('SELECT pg_sleep(0.3)');
        await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                 WHERE datname = current_database() AND application_name = 'mfa-companion'`);
        await admin.query('COMMIT');
      })();
      await lockTaken;
      const slow = Array.from({ length: 3 }, () =>
        store.appendAudit([{ at: T0, actor: 'x', action: 'y', target: null, ip: 'z' }]).then(
          () => 'ok',
          (e: unknown) => e,
        ),
      );
      const outcomes = await Promise.all(slow);
      await lock;
      expect(outcomes.filter((o) => o instanceof StoreUnavailableError).length).toBeGreaterThan(0);
      expect(outcomes.every((o) => o === 'ok' || o instanceof StoreUnavailableError)).toBe(true);
      // No restart: the pool reconnects on the next query.
      expect(await store.getPolicy()).toEqual({ requireMfaForNonSsoUsers: false });
    } finally {
      await admin.end();
      await store.close();
    }
  });
});
