import 'fake-indexeddb/auto';
import { openDB } from 'idb';
import { afterEach, describe, expect, it } from 'vitest';
import type { OtpAccount } from '../../sdk/otp/index.ts';
import { AccountsModel } from '../state/accounts-model.ts';
import { lockUnderNewKey } from '../vault/lock-store.ts';
import { sealJson } from '../vault/record-cipher.ts';
import { Vault, VaultErrorCode } from '../vault/vault.ts';
import { openVaultDb } from '../vault/vault-db.ts';
import { AppLock, LockErrorCode } from './app-lock.ts';
import { newWrappableKey, wrapUnderPassphrase } from './key-wrap.ts';

// Few PBKDF2 rounds: these tests are about what is stored, not about the KDF's cost.
const ITERATIONS = 1000;
const QUIET = { idleMinutes: 0, lockWhenHidden: false } as const;
const PASS = 'correct horse battery staple';

let counter = 0;
const models: AccountsModel[] = [];

afterEach(async () => {
  for (const m of models.splice(0)) (await m.openedVault().catch(() => null))?.close();
});

function account(n: number): OtpAccount {
  return {
    type: 'totp',
    secret: ['JBSWY3DPEHPK3PXPJBSWY3DP', 'GEZDGNBVGY3TQOJQGEZDGNBV'][n % 2] ?? '',
    issuer: `Issuer${n}`,
    label: `person${n}@example.com`,
    algorithm: 'SHA1',
    digits: 6,
    period: 30,
  };
}

/** A model and lock over the vault `name`, as one tab of the app would hold them. */
async function tab(name: string, now: () => number = Date.now) {
  const model = new AccountsModel(() => Vault.open(name));
  models.push(model);
  await model.load();
  return { model, lock: new AppLock(model, ITERATIONS, now) };
}

/** The stored bytes of every record, by id. */
async function sealedBytes(name: string): Promise<Map<string, string>> {
  const db = await openVaultDb(name);
  const records = await db.getAll('accounts');
  db.close();
  return new Map(
    records.map((r) => [
      r.id,
      `${Buffer.from(r.iv).toString('hex')}:${Buffer.from(r.sealed).toString('hex')}`,
    ]),
  );
}

async function storedMeta(name: string) {
  const db = await openVaultDb(name);
  const result = { key: await db.get('meta', 'vault-key'), lock: await db.get('lock', 'lock') };
  db.close();
  return result;
}

describe('AppLock', () => {
  it('setting the first passphrase re-seals every account under a new key kept only wrapped', async () => {
    const name = `lock-${++counter}`;
    const { model, lock } = await tab(name);
    await model.add([account(1), account(2)]);
    const before = await sealedBytes(name);
    expect((await lock.setPassphrase(PASS, QUIET)).ok).toBe(true);
    const after = await sealedBytes(name);
    expect([...after.keys()]).toEqual([...before.keys()]);
    for (const [id, bytes] of after) expect(bytes).not.toBe(before.get(id));
    const { key, lock: stored } = await storedMeta(name);
    expect(key).toBeUndefined();
    expect(stored).toMatchObject({ kind: 'lock', passphrase: { iterations: ITERATIONS } });
    // Still unlocked in this tab, with the same accounts.
    expect(model.status).toBe('ready');
    expect(model.entries.map((e) => e.account)).toEqual([account(1), account(2)]);
  });

  it('opens locked after a reload: nothing decrypted, the vault refuses to work', async () => {
    const name = `lock-${++counter}`;
    const first = await tab(name);
    await first.model.add([account(1)]);
    await first.lock.setPassphrase(PASS, QUIET);
    const { model } = await tab(name);
    expect(model.status).toBe('locked');
    expect(model.entries).toEqual([]);
    const vault = await model.openedVault();
    await expect(vault.list()).rejects.toThrow(VaultErrorCode.VAULT_LOCKED);
    await expect(vault.add([account(2)])).rejects.toThrow(VaultErrorCode.VAULT_LOCKED);
    await expect(vault.reorder([])).rejects.toThrow(VaultErrorCode.VAULT_LOCKED);
  });

  it('unlocks with the passphrase and locks again, dropping every entry', async () => {
    const name = `lock-${++counter}`;
    const first = await tab(name);
    await first.model.add([account(1)]);
    await first.lock.setPassphrase(PASS, QUIET);
    const { model, lock } = await tab(name);
    expect(await lock.unlockWithPassphrase(PASS)).toEqual({ ok: true });
    expect(model.entries.map((e) => e.account)).toEqual([account(1)]);
    lock.lockNow();
    expect(model.status).toBe('locked');
    expect(model.entries).toEqual([]);
    expect((await model.openedVault()).locked).toBe(true);
  });

  it('refuses wrong passphrases with a growing delay that a reload does not reset', async () => {
    const name = `lock-${++counter}`;
    let now = 1_000_000;
    const clock = () => now;
    const first = await tab(name, clock);
    await first.lock.setPassphrase(PASS, QUIET);
    const { lock } = await tab(name, clock);
    const waits: number[] = [];
    for (let i = 0; i < 5; i++) {
      now += waits.at(-1) ?? 0;
      const result = await lock.unlockWithPassphrase(`wrong guess number ${i}`);
      expect(result).toMatchObject({ ok: false, code: LockErrorCode.WRONG_PASSPHRASE });
      waits.push(((result.ok ? 0 : result.notBefore) ?? 0) - now);
    }
    expect(waits).toEqual([0, 0, 0, 2000, 4000]);
    const again = await tab(name, clock);
    now += 1000;
    // Even the right passphrase waits out the delay.
    expect(await again.lock.unlockWithPassphrase(PASS)).toMatchObject({
      ok: false,
      code: LockErrorCode.THROTTLED,
      notBefore: now + 3000,
    });
    now += 3000;
    expect(await again.lock.unlockWithPassphrase(PASS)).toEqual({ ok: true });
    expect((await again.lock.throttle()).failures).toBe(0);
  });

  it('changes the passphrase by re-wrapping only: no account is re-encrypted', async () => {
    const name = `lock-${++counter}`;
    const { model, lock } = await tab(name);
    await model.add([account(1), account(2)]);
    await lock.setPassphrase(PASS, QUIET);
    const before = await sealedBytes(name);
    expect(
      await lock.changePassphrase('not the passphrase', 'a brand new passphrase here'),
    ).toMatchObject({ ok: false, code: LockErrorCode.WRONG_PASSPHRASE });
    expect(await lock.changePassphrase(PASS, 'a brand new passphrase here')).toEqual({ ok: true });
    expect(await sealedBytes(name)).toEqual(before);
    const other = await tab(name);
    expect((await other.lock.unlockWithPassphrase(PASS)).ok).toBe(false);
    expect(await other.lock.unlockWithPassphrase('a brand new passphrase here')).toEqual({
      ok: true,
    });
    expect(other.model.entries.map((e) => e.account)).toEqual([account(1), account(2)]);
  });

  it('removing the lock stores the same key non-extractable again, records untouched', async () => {
    const name = `lock-${++counter}`;
    const { model, lock } = await tab(name);
    await model.add([account(1)]);
    await lock.setPassphrase(PASS, QUIET);
    const before = await sealedBytes(name);
    expect(await lock.removePassphrase(PASS)).toEqual({ ok: true });
    expect(await sealedBytes(name)).toEqual(before);
    const { key, lock: stored } = await storedMeta(name);
    expect(stored).toBeUndefined();
    expect(key?.key.extractable).toBe(false);
    const other = await tab(name);
    expect(other.model.status).toBe('ready');
    expect(other.model.entries.map((e) => e.account)).toEqual([account(1)]);
  });

  it('refuses a write from a tab whose key went stale, storing nothing, and opens the vault anew', async () => {
    const name = `lock-${++counter}`;
    const a = await tab(name);
    const b = await tab(name);
    await a.model.add([account(1)]);
    // B missed the news (no broadcast between these two): it still holds the old key.
    await a.lock.setPassphrase(PASS, QUIET);
    const before = await sealedBytes(name);
    await expect(b.model.add([account(2)])).rejects.toThrow(VaultErrorCode.VAULT_LOCKED);
    await expect(b.model.remove([...before.keys()][0] ?? '')).rejects.toThrow(
      VaultErrorCode.VAULT_LOCKED,
    );
    expect(await sealedBytes(name)).toEqual(before);
    await expect.poll(() => b.model.status).toBe('locked');
    expect(await b.lock.unlockWithPassphrase(PASS)).toEqual({ ok: true });
    expect(b.model.entries.map((e) => e.account)).toEqual([account(1)]);
  });

  it('sets no lock when another tab writes between the re-sealing and its transaction', async () => {
    const name = `lock-${++counter}`;
    const { model } = await tab(name);
    const [entry] = await model.add([account(1)]);
    const vault = await model.openedVault();
    const fresh = await newWrappableKey();
    const { wrapping } = await wrapUnderPassphrase(fresh, PASS, ITERATIONS);
    const lock = { kind: 'lock', keyId: 'new', passphrase: wrapping, ...QUIET } as const;
    const other = await openVaultDb(name);
    const stored = (await other.get('accounts', entry?.id ?? ''))!;
    // Queued after the re-sealing's read, so it lands before the re-sealing's write.
    const racing = lockUnderNewKey(vault.db, vault.keyId, vault.key, fresh, lock);
    const written = other.put('accounts', { ...stored, iv: new Uint8Array(12).fill(7) });
    expect(await racing).toBe('CHANGED_MEANWHILE');
    await written;
    other.close();
    const { key, lock: none } = await storedMeta(name);
    expect(key).toBeDefined();
    expect(none).toBeUndefined();
  });

  it('refuses a passphrase too short to protect anything', async () => {
    const { lock } = await tab(`lock-${++counter}`);
    expect(await lock.setPassphrase('short', QUIET)).toEqual({
      ok: false,
      code: LockErrorCode.WEAK_PASSPHRASE,
    });
  });
});

describe('Vault database version 2', () => {
  it('opens a version 1 vault as it was: its key, its accounts, no lock', async () => {
    const name = `v1-${++counter}`;
    const key = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, [
      'encrypt',
      'decrypt',
    ]);
    const old = await openDB(name, 1, {
      upgrade(db) {
        db.createObjectStore('meta');
        db.createObjectStore('accounts', { keyPath: 'id' }).createIndex('by-order', 'order');
      },
    });
    await old.put('meta', { key, createdAt: 1 }, 'vault-key');
    const sealed = await sealJson(key, 'a1', { account: account(1), addedAt: 5 });
    await old.put('accounts', { id: 'a1', order: 0, format: 1, ...sealed });
    old.close();
    const { model } = await tab(name);
    expect(model.status).toBe('ready');
    expect(model.entries).toEqual([{ id: 'a1', account: account(1), addedAt: 5 }]);
    expect((await storedMeta(name)).lock).toBeUndefined();
    // Its key, which has no id of its own, still takes writes.
    await model.add([account(2)]);
    expect((await tab(name)).model.entries.map((e) => e.account)).toEqual([account(1), account(2)]);
  });
});
