import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { type FailureRow, toFailureState } from '../../server/store/rows.ts';
import { migrate } from '../../server/store/sqlite/migrate.ts';
import { openSqliteStore, sqliteMigrationsDir } from '../../server/store/sqlite/sqlite-store.ts';
import { statement } from '../../server/store/sqlite/statement.ts';
import { FAILURE_STATE } from '../../server/store/statements.ts';
import { runStoreContract } from './contract-suite.ts';

// A file, so a second (read-only) connection can read what the store committed; a write's
// promise resolves after its commit. The API tests run the in-memory store throughout.
runStoreContract('sqlite (file, WAL)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mfa-store-'));
  const path = join(dir, 'mfa.db');
  const store = openSqliteStore({ path });
  await store.migrate();
  const reader = new Database(path, { readonly: true });
  const failureState = statement<FailureRow>(reader, FAILURE_STATE);
  return {
    store,
    failures: async (userId, kind) => toFailureState(failureState.get(userId, kind)),
    close: async () => {
      reader.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

describe('sqlite durability', () => {
  it('answers an accepted step only after the WAL fsync that follows the write', async () => {
    let release: () => void = () => {};
    let fsyncs = 0;
    const store = openSqliteStore({
      path: ':memory:',
      fsync: () => {
        fsyncs++;
        return new Promise<void>((resolve) => {
          release = resolve;
        });
      },
    });
    await store.migrate();
    const user = (await store.createUser(
      {
        username: 'a@x.test',
        name: 'A',
        kind: 'employee',
        role: 'user',
        authType: 'password',
        passwordHash: null,
      },
      0,
    ))!;
    const pending = (await store.startEnrolment(user.id, 'v1.k.s', 0, 1000))!;
    const tick = () => new Promise((r) => setTimeout(r, 20));
    const enabled = store.enableFactor({
      userId: user.id,
      factorId: pending.id,
      lastStep: 1,
      recoveryCodeHashes: [],
      now: 0,
    });
    await tick();
    expect(fsyncs).toBe(1);
    release();
    expect(await enabled).toBe(true);
    let answered = false;
    const advanced = store.advanceLastStep(pending.id, 2).then((ok) => {
      answered = true;
      return ok;
    });
    await tick();
    // Committed and fsync started, but not finished: the caller has no answer yet.
    expect(fsyncs).toBe(2);
    expect(answered).toBe(false);
    release();
    expect(await advanced).toBe(true);
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

  it('0003 keeps every recovery code, used or not, and stores them clustered by user', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mfa-store-'));
    const path = join(dir, 'mfa.db');
    // A database as the releases before 0003 left it.
    const before = join(dir, 'migrations');
    mkdirSync(before);
    for (const file of readdirSync(sqliteMigrationsDir).filter((f) => f < '0003')) {
      copyFileSync(join(sqliteMigrationsDir, file), join(before, file));
    }
    const old = new Database(path);
    expect(migrate(old, before)).toEqual([1, 2]);
    old.exec(`INSERT INTO users (id, username, name, kind, role, auth_type, created_at)
      VALUES (1, 'a@x.test', 'A', 'employee', 'user', 'password', 0),
             (2, 'b@x.test', 'B', 'employee', 'user', 'password', 0)`);
    old.exec(`INSERT INTO recovery_codes (user_id, code_hash, used_at)
      VALUES (1, 'h1', NULL), (1, 'h2', 5), (1, 'h3', NULL), (2, 'h4', NULL)`);
    old.close();

    const store = openSqliteStore({ path });
    await store.migrate();
    expect(await store.countRecoveryCodesLeft(1)).toBe(2);
    expect(await store.countRecoveryCodesLeft(2)).toBe(1);
    expect(await store.consumeRecoveryCode(1, 'h2', 9)).toBe(false); // still used
    expect(await store.consumeRecoveryCode(1, 'h3', 9)).toBe(true);
    await store.close();
    const db = new Database(path, { readonly: true });
    const { sql } = db
      .prepare("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'recovery_codes'")
      .get() as { sql: string };
    expect(sql).toMatch(/WITHOUT ROWID/);
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });
});
