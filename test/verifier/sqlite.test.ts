/**
 * The verifier's contract on SQLite (a file in a temporary folder: durability is part of it), and
 * what only a file shows: the accepted step and the lock survive a restart.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { generateCode, parseKeyUri } from '../../sdk/otp/index.ts';
import { createVerifier } from '../../sdk/verifier/index.ts';
import { newKey, runVerifierContract } from './verifier-contract.ts';

const dir = mkdtempSync(join(tmpdir(), 'mfa-verifier-'));
const file = join(dir, 'contract.db');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const withDb = <T>(fn: (db: Database.Database) => T): T => {
  const db = new Database(file);
  try {
    return fn(db);
  } finally {
    db.close();
  }
};

runVerifierContract('SQLite', {
  database: () => file,
  reset: async () =>
    withDb((db) => {
      const tables = db
        .prepare(
          "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'mfa_verifier_%'",
        )
        .all() as { name: string }[];
      for (const { name } of tables)
        if (name !== 'mfa_verifier_migrations') db.exec(`DELETE FROM ${name}`);
    }),
  rows: async (sql) =>
    withDb((db) => {
      const statement = db.prepare(sql);
      if (statement.reader) return statement.all() as Record<string, unknown>[];
      statement.run();
      return [];
    }),
});

describe('verifier on a SQLite file', () => {
  it('keeps the accepted step, the codes used and the lock across a restart', async () => {
    const path = join(dir, 'restart.db');
    const key = newKey();
    let now = Date.parse('2026-12-07T12:00:00Z');
    const open = () => createVerifier({ database: path, encryptionKey: key, now: () => now });
    const first = await open();
    const { uri } = await first.enrol('ada', { issuer: 'Acme', account: 'ada' });
    const account = parseKeyUri(uri);
    const { recoveryCodes } = await first.confirm('ada', generateCode(account, now));
    now += 30_000;
    const code = generateCode(account, now);
    expect((await first.verify('ada', code)).ok).toBe(true);
    expect((await first.verify('ada', recoveryCodes[0]!)).ok).toBe(true);
    for (let i = 0; i < 10; i++) await first.verify('bob', '1').catch(() => undefined);
    await first.close();

    const second = await open();
    expect(await second.verify('ada', code)).toEqual({ ok: false, reason: 'replayed' });
    expect(await second.verify('ada', recoveryCodes[0]!)).toEqual({
      ok: false,
      reason: 'replayed',
    });
    expect((await second.status('ada')).recoveryCodesLeft).toBe(9);
    await second.close();
    const tables = withDb(
      () =>
        new Database(path)
          .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
          .all() as { name: string }[],
    );
    expect(tables.map((t) => t.name)).toEqual([
      'mfa_verifier_factors',
      'mfa_verifier_migrations',
      'mfa_verifier_recovery_codes',
    ]);
  });

  it("never holds SQLite's lock across an await: the application's own writes to the file go on", async () => {
    const path = join(dir, 'beside-the-app.db');
    let now = Date.parse('2026-12-07T12:00:00Z');
    const verifier = await createVerifier({
      database: path,
      encryptionKey: newKey(),
      now: () => now,
    });
    const { uri } = await verifier.enrol('ada', { issuer: 'Acme', account: 'ada' });
    const account = parseKeyUri(uri);
    await verifier.confirm('ada', generateCode(account, now));
    now += 30_000;
    // The application's connection to the same file, failing at once (no busy wait) whenever
    // another connection holds the write lock.
    const app = new Database(path, { timeout: 0 });
    app.exec('CREATE TABLE app_log (n INTEGER)');
    const insert = app.prepare('INSERT INTO app_log (n) VALUES (?)');
    const code = generateCode(account, now);
    const appWrites = Array.from({ length: 50 }, async (_, n) => {
      // Continuations that run between the verifier's statements, were it to await any.
      for (let i = 0; i < n % 7; i++) await Promise.resolve();
      insert.run(n);
    });
    const verifies = Array.from({ length: 50 }, () => verifier.verify('ada', code));
    const [results] = await Promise.all([Promise.all(verifies), Promise.all(appWrites)]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(app.prepare('SELECT count(*) AS n FROM app_log').get()).toEqual({ n: 50 });
    app.close();
    await verifier.close();
  });
});
