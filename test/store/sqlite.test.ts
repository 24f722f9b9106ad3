import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { generateCode, parseKeyUri } from '../../sdk/otp/index.ts';
import { factorFlows } from '../../sdk/verifier/factor-flows.ts';
import { keyringOf } from '../../sdk/verifier/secret-box.ts';
import { migrate } from '../../server/store/sqlite/migrate.ts';
import { openSqliteStore, sqliteMigrationsDir } from '../../server/store/sqlite/sqlite-store.ts';
import { statement } from '../../server/store/sqlite/statement.ts';
import { runStoreContract } from './contract-suite.ts';
import { oldFactors } from './factor-move.ts';

// A file, so what the store commits goes through its WAL and fsync as in production; a write's
// promise resolves after its commit. The API tests run the in-memory store throughout.
runStoreContract('sqlite (file, WAL)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mfa-store-'));
  const store = openSqliteStore({ path: join(dir, 'mfa.db') });
  await store.migrate();
  return {
    store,
    close: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

const MIN = 60_000;
const tick = () => new Promise((r) => setTimeout(r, 20));

describe('sqlite durability', () => {
  it("answers a flow's and a code step's decision only after the WAL fsync that follows its writes", async () => {
    // While `holding`, each fsync waits to be released: the test sees whether an answer came first.
    let holding = false;
    const held: (() => void)[] = [];
    const store = openSqliteStore({
      path: ':memory:',
      fsync: () =>
        holding ? new Promise<void>((resolve) => held.push(resolve)) : Promise.resolve(),
    });
    await store.migrate();
    /** Runs `call`: committed and its fsync started, it has no answer until that fsync ends. */
    const durableOnly = async <T>(call: () => Promise<T>): Promise<T> => {
      holding = true;
      let answered = false;
      const pending = call().then((value) => {
        answered = true;
        return value;
      });
      await tick();
      expect(held.length).toBeGreaterThan(0);
      expect(answered).toBe(false);
      holding = false;
      for (const release of held.splice(0)) release();
      return pending;
    };

    const now = 1_700_000_000_000;
    const flows = factorFlows({
      keyring: keyringOf([randomBytes(32)]),
      limits: { threshold: 3, lockMs: 15 * MIN },
      enrolmentTtlMs: 10 * MIN,
      recoveryCodeCount: 2,
      now: () => now,
      secretContext: (id) => `factor:${id}`,
    });
    const user = (await store.createUser(
      {
        username: 'a@x.test',
        name: 'A',
        kind: 'employee',
        role: 'user',
        authType: 'password',
        passwordHash: null,
      },
      now,
    ))!;
    const id = String(user.id);
    const { uri, flow } = flows.enrol(id, { issuer: 'MFA Companion', account: user.username });
    await store.runFactorFlow(flow);
    const account = parseKeyUri(uri);
    const confirmed = await durableOnly(() =>
      store.runFactorFlow(flows.confirm(id, generateCode(account, now))),
    );
    expect(confirmed.result).toMatchObject({ recoveryCodes: expect.any(Array) });
    // The replay guard: the accepted step is on disk before the caller hears "ok".
    const verified = await durableOnly(() =>
      store.runFactorFlow(flows.verify(id, generateCode(account, now + 30_000))),
    );
    expect(verified.result).toMatchObject({ ok: true });
    await store.createChallenge({
      id: 'c1',
      userId: user.id,
      kind: 'mfa',
      binding: 'b',
      createdAt: now,
      expiresAt: now + 5 * MIN,
    });
    const codes = 'recoveryCodes' in confirmed.result ? confirmed.result.recoveryCodes : [];
    const login = await durableOnly(() =>
      store.attemptCodeLogin({
        challengeId: 'c1',
        now,
        maxAttempts: 5,
        verify: flows.verify(id, codes[0]!),
        session: { id: 's1', userId: user.id, createdAt: now, expiresAt: now + MIN, ip: 'x' },
        audit: [],
      }),
    );
    expect(login).toMatchObject({ outcome: 'decided', decision: { result: { ok: true } } });
    await store.close();
  });

  it('group-commits writes: each resolves once committed, a failing one rolls back alone', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mfa-store-'));
    const path = join(dir, 'mfa.db');
    const store = openSqliteStore({ path });
    await store.migrate();
    const other = openSqliteStore({ path }); // a second connection, as another process would be
    const newUser = (username: string) => ({
      username,
      name: 'x',
      kind: 'employee' as const,
      role: 'user' as const,
      authType: 'password' as const,
      passwordHash: null,
    });
    // Same turn: one batch. The duplicate fails inside it without undoing the others.
    const results = await Promise.allSettled([
      store.createUser(newUser('a@x.test'), 0),
      store.createUser({ ...newUser('b@x.test'), kind: 'robot' as never }, 0),
      store.createUser(newUser('c@x.test'), 0),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    // Resolved means committed: another connection sees the rows.
    expect(await other.getUserByUsername('a@x.test')).not.toBeNull();
    expect(await other.getUserByUsername('b@x.test')).toBeNull();
    expect(await other.getUserByUsername('c@x.test')).not.toBeNull();
    await other.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('sqlite migrations', () => {
  it('applies migrations once, however often the store opens', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mfa-store-'));
    const path = join(dir, 'mfa.db');
    for (let i = 0; i < 2; i++) {
      const store = openSqliteStore({ path });
      await store.migrate();
      await store.close();
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it("0009 moves each factor, its recovery codes and its lockout into the verifier's tables, working as before", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mfa-store-'));
    const path = join(dir, 'mfa.db');
    const before = join(dir, 'migrations');
    mkdirSync(before);
    for (const file of readdirSync(sqliteMigrationsDir).filter((f) => f < '0009')) {
      copyFileSync(join(sqliteMigrationsDir, file), join(before, file));
    }
    const old = new Database(path);
    expect(migrate(old, before)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    // `migrate` makes the verifier's tables first; the releases before 0009 had none.
    old.exec(`DROP TABLE mfa_verifier_recovery_codes; DROP TABLE mfa_verifier_factors;
      DROP TABLE mfa_verifier_migrations`);

    const { statements, check } = oldFactors(Date.now());
    for (const { text, values } of statements) statement(old, text).run(...values);
    old.close();

    const store = openSqliteStore({ path });
    await store.migrate();
    await check(store);
    await store.close();

    const db = new Database(path, { readonly: true });
    const tables = db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'table'").all() as {
      name: string;
      sql: string;
    }[];
    const names = tables.map((t) => t.name);
    for (const gone of ['factors', 'recovery_codes', 'failure_counters']) {
      expect(names).not.toContain(gone);
    }
    // A user's codes still lie together in their primary key's B-tree (0003's reason).
    expect(tables.find((t) => t.name === 'mfa_verifier_recovery_codes')?.sql).toMatch(
      /WITHOUT ROWID/,
    );
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });
});
