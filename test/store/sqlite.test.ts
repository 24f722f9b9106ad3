import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../server/store/sqlite/sqlite-store.ts';
import { runStoreContract } from './contract-suite.ts';

runStoreContract('sqlite (:memory:)', async () => {
  const store = openSqliteStore({ path: ':memory:' });
  await store.migrate();
  return { store, close: () => store.close() };
});

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
    const enabled = store.enableFactor({
      userId: user.id,
      factorId: pending.id,
      lastStep: 1,
      recoveryCodeHashes: [],
      now: 0,
    });
    release();
    await enabled;
    let answered = false;
    const advanced = store.advanceLastStep(pending.id, 2).then((ok) => {
      answered = true;
      return ok;
    });
    await new Promise((r) => setTimeout(r, 20));
    expect(answered).toBe(false);
    expect(fsyncs).toBe(2);
    release();
    expect(await advanced).toBe(true);
    await store.close();
  });

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
});
