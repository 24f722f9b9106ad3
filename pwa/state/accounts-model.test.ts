import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import type { OtpAccount } from '../../sdk/otp/index.ts';
import { Vault } from '../vault/vault.ts';
import { AccountsModel } from './accounts-model.ts';

let n = 0;
const account = (label: string, extra: Partial<OtpAccount> = {}): OtpAccount => ({
  type: 'totp',
  secret: 'JBSWY3DPEHPK3PXP',
  label,
  algorithm: 'SHA1',
  digits: 6,
  period: 30,
  ...extra,
});

async function loaded(): Promise<{ model: AccountsModel; reopen: () => Promise<AccountsModel> }> {
  const name = `model-test-${++n}`;
  const model = new AccountsModel(() => Vault.open(name));
  await model.load();
  return {
    model,
    reopen: async () => {
      const again = new AccountsModel(() => Vault.open(name));
      await again.load();
      return again;
    },
  };
}

const labels = (m: AccountsModel) => m.entries.map((e) => e.account.label);

describe('AccountsModel', () => {
  it('stores a move so the new order survives a reload', async () => {
    const { model, reopen } = await loaded();
    await model.add([account('a'), account('b'), account('c')]);
    await model.move(model.entries[2]!.id, -1);
    await model.move(model.entries[0]!.id, -1); // already first: nothing happens
    expect(labels(model)).toEqual(['a', 'c', 'b']);
    expect(labels(await reopen())).toEqual(['a', 'c', 'b']);
  });

  it('undoes a delete, back in its old place, in memory and in the vault', async () => {
    const { model, reopen } = await loaded();
    await model.add([account('a'), account('b'), account('c')]);
    const undo = await model.remove(model.entries[1]!.id);
    expect(labels(model)).toEqual(['a', 'c']);
    expect(labels(await reopen())).toEqual(['a', 'c']);
    await undo();
    expect(labels(model)).toEqual(['a', 'b', 'c']);
    expect(labels(await reopen())).toEqual(['a', 'b', 'c']);
  });

  it('persists an advanced HOTP counter and ignores TOTP accounts', async () => {
    const { model, reopen } = await loaded();
    await model.add([account('h', { type: 'hotp', counter: 3 }), account('t')]);
    await model.advanceCounter(model.entries[0]!.id);
    await model.advanceCounter(model.entries[1]!.id);
    const again = await reopen();
    expect(again.entries.map((e) => e.account.counter)).toEqual([4, undefined]);
  });

  it('shows the first screen of a long vault first, and is complete only once all is read', async () => {
    const { model } = await loaded();
    await model.add(Array.from({ length: 12 }, (_, i) => account(`a${i}`)));
    const again = new AccountsModel(() => Vault.open(`model-test-${n}`));
    const seen: [boolean, number][] = [];
    again.addEventListener('change', () => seen.push([again.complete, again.entries.length]));
    await again.load();
    // The first screen (8) is shown before the rest is read; only then is the model complete.
    expect(seen).toEqual([
      [false, 8],
      [true, 12],
    ]);
  });

  it('reports an unavailable vault instead of throwing', async () => {
    const model = new AccountsModel(() => Promise.reject(new Error('no IndexedDB')));
    let changes = 0;
    model.addEventListener('change', () => changes++);
    await model.load();
    expect(model.status).toBe('unavailable');
    expect(changes).toBe(1);
    await expect(model.add([account('x')])).rejects.toThrow('VAULT_UNAVAILABLE');
  });
});
