import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { OtpAccount } from '../../sdk/otp/index.ts';
import { UnreadableReason, Vault } from './vault.ts';
import { openVaultDb } from './vault-db.ts';

let counter = 0;
const opened: Vault[] = [];
async function freshVault(
  name = `vault-test-${++counter}`,
): Promise<{ vault: Vault; name: string }> {
  const vault = await Vault.open(name);
  opened.push(vault);
  return { vault, name };
}
afterEach(() => {
  for (const v of opened.splice(0)) v.close();
  vi.restoreAllMocks();
});

function account(n: number, overrides: Partial<OtpAccount> = {}): OtpAccount {
  const secrets = [
    'JBSWY3DPEHPK3PXPJBSWY3DP',
    'GEZDGNBVGY3TQOJQGEZDGNBV',
    'MFRGGZDFMZTWQ2LKNNWG23TP',
  ];
  return {
    type: 'totp',
    secret: secrets[n % secrets.length] ?? '',
    issuer: `Issuer${n}`,
    label: `person${n}@example.com`,
    algorithm: 'SHA1',
    digits: 6,
    period: 30,
    ...overrides,
  };
}

/** Every byte IndexedDB holds for the vault, as latin1 text (ciphertext and clear fields alike). */
async function rawDump(name: string): Promise<string> {
  const db = await openVaultDb(name);
  const records = await db.getAll('accounts');
  db.close();
  return records
    .map(
      (r) =>
        `${r.id}|${r.order}|${Buffer.from(r.iv).toString('latin1')}|${Buffer.from(r.sealed).toString('latin1')}`,
    )
    .join('\n');
}

describe('Vault', () => {
  it('gives back added accounts in the order they were added', async () => {
    const { vault } = await freshVault();
    await vault.add([account(1), account(2)]);
    await vault.add([account(3)]);
    const { entries, unreadable } = await vault.list();
    expect(entries.map((e) => e.account)).toEqual([account(1), account(2), account(3)]);
    expect(unreadable).toEqual([]);
  });

  it('keeps accounts across reopening, with the same non-extractable key', async () => {
    const { vault, name } = await freshVault();
    await vault.add([account(1)]);
    vault.close();
    const again = (await freshVault(name)).vault;
    expect((await again.list()).entries.map((e) => e.account)).toEqual([account(1)]);
    const db = await openVaultDb(name);
    const keyRecord = await db.get('meta', 'vault-key');
    db.close();
    expect(keyRecord?.key.extractable).toBe(false);
    await expect(crypto.subtle.exportKey('raw', keyRecord!.key)).rejects.toThrow();
  });

  it('stores no secret, issuer or label in clear', async () => {
    const { vault, name } = await freshVault();
    await vault.add([account(1), account(2)]);
    const dump = await rawDump(name);
    for (const a of [account(1), account(2)]) {
      expect(dump).not.toContain(a.secret);
      expect(dump).not.toContain(a.label);
      expect(dump).not.toContain(a.issuer);
    }
  });

  it('draws a fresh IV for every write, even of identical content', async () => {
    const { vault, name } = await freshVault();
    const [entry] = await vault.add([account(1)]);
    const db = await openVaultDb(name);
    const ivs = [Buffer.from((await db.get('accounts', entry!.id))!.iv).toString('hex')];
    for (let i = 0; i < 3; i++) {
      await vault.update(entry!);
      ivs.push(Buffer.from((await db.get('accounts', entry!.id))!.iv).toString('hex'));
    }
    db.close();
    expect(new Set(ivs).size).toBe(4);
  });

  it('stores nothing when one account of a batch cannot be written', async () => {
    const { vault } = await freshVault();
    await vault.add([account(0)]);
    // Two records with one id: the second `add` fails, so the whole transaction must abort.
    vi.spyOn(crypto, 'randomUUID').mockReturnValue('00000000-0000-4000-8000-000000000000');
    await expect(vault.add([account(1), account(2)])).rejects.toThrow();
    vi.restoreAllMocks();
    expect((await vault.list()).entries.map((e) => e.account)).toEqual([account(0)]);
  });

  it('reports and skips tampered, moved and malformed records, still listing the rest', async () => {
    const { vault, name } = await freshVault();
    const [a, b, c] = await vault.add([account(1), account(2), account(3)]);
    const db = await openVaultDb(name);
    const ra = (await db.get('accounts', a!.id))!;
    const flipped = new Uint8Array(ra.sealed.slice(0));
    flipped[0] = (flipped[0] ?? 0) ^ 1;
    await db.put('accounts', { ...ra, sealed: flipped.buffer });
    const rc = (await db.get('accounts', c!.id))!;
    // c's ciphertext put on a new id: bound to c's id, it must not open elsewhere.
    await db.put('accounts', { ...rc, id: 'moved', order: 10 });
    await db.put('accounts', { id: 'junk', order: 11 } as never);
    db.close();
    const { entries, unreadable } = await vault.list();
    expect(entries.map((e) => e.id)).toEqual([b!.id, c!.id]);
    expect(unreadable).toEqual([
      { id: a!.id, reason: UnreadableReason.UNDECRYPTABLE },
      { id: 'moved', reason: UnreadableReason.UNDECRYPTABLE },
      { id: 'junk', reason: UnreadableReason.MALFORMED },
    ]);
  });

  it('updates an account in place and refuses one that was deleted', async () => {
    const { vault } = await freshVault();
    const [a, b] = await vault.add([account(1), account(2, { type: 'hotp', counter: 4 })]);
    expect(await vault.update({ ...b!, account: { ...b!.account, counter: 5 } })).toBe(true);
    expect(await vault.update({ ...a!, account: { ...a!.account, issuer: 'Renamed' } })).toBe(true);
    const { entries } = await vault.list();
    expect(entries.map((e) => [e.account.issuer, e.account.counter])).toEqual([
      ['Renamed', undefined],
      ['Issuer2', 5],
    ]);
    await vault.remove(a!.id);
    expect(await vault.update(a!)).toBe(false);
  });

  it('restores a deleted account at its old position (undo)', async () => {
    const { vault } = await freshVault();
    const [a, b, c] = await vault.add([account(1), account(2), account(3)]);
    const removed = await vault.remove(b!.id);
    expect((await vault.list()).entries.map((e) => e.id)).toEqual([a!.id, c!.id]);
    await vault.restore(removed!);
    expect((await vault.list()).entries.map((e) => e.id)).toEqual([a!.id, b!.id, c!.id]);
    expect(await vault.remove('nope')).toBeNull();
  });

  it('stores a new order and appends after the last position', async () => {
    const { vault } = await freshVault();
    const [a, b, c] = await vault.add([account(1), account(2), account(3)]);
    await vault.reorder([c!.id, a!.id, b!.id]);
    const [d] = await vault.add([account(4)]);
    expect((await vault.list()).entries.map((e) => e.id)).toEqual([c!.id, a!.id, b!.id, d!.id]);
  });
});

describe('Vault.applyImport', () => {
  it('replaces keys in place and appends new accounts in one go', async () => {
    const { vault } = await freshVault();
    const [first, second] = await vault.add([account(0), account(1)]);
    const renewed = account(2, { issuer: 'Issuer0', label: 'person0@example.com' });
    const { added, replaced } = await vault.applyImport(
      [account(3)],
      [{ id: first?.id ?? '', account: renewed }],
    );
    expect(replaced.map((e) => e.id)).toEqual([first?.id]);
    const { entries } = await vault.list();
    expect(entries.map((e) => e.id)).toEqual([first?.id, second?.id, added[0]?.id]);
    expect(entries[0]?.account).toEqual(renewed);
  });

  it('writes nothing when an account to replace is gone', async () => {
    const { vault } = await freshVault();
    const [first] = await vault.add([account(0)]);
    await vault.remove(first?.id ?? '');
    await expect(
      vault.applyImport([account(1)], [{ id: first?.id ?? '', account: account(2) }]),
    ).rejects.toThrow('NOT_FOUND');
    expect((await vault.list()).entries).toEqual([]);
  });
});

describe('Vault.list with a first batch', () => {
  it('hands over the first records before the rest, and then the whole list in order', async () => {
    const { vault } = await freshVault();
    const added = await vault.add(Array.from({ length: 7 }, (_, i) => account(i)));
    const firsts: string[][] = [];
    const all = await vault.list((first) => {
      firsts.push(first.entries.map((e) => e.id));
    }, 3);
    expect(firsts).toEqual([added.slice(0, 3).map((e) => e.id)]);
    expect(all.entries.map((e) => e.id)).toEqual(added.map((e) => e.id));
  });
});

describe('Vault.list with a first batch and a damaged record in it', () => {
  it('reports the damaged record once and lists every other account once', async () => {
    const { vault, name } = await freshVault();
    const added = await vault.add(Array.from({ length: 5 }, (_, i) => account(i)));
    const db = await openVaultDb(name);
    const second = (await db.get('accounts', added[1]!.id))!;
    await db.put('accounts', { ...second, sealed: new ArrayBuffer(40) });
    db.close();
    const all = await vault.list(() => undefined, 2);
    expect(all.unreadable).toEqual([{ id: added[1]!.id, reason: UnreadableReason.UNDECRYPTABLE }]);
    expect(all.entries.map((e) => e.id)).toEqual([0, 2, 3, 4].map((i) => added[i]!.id));
  });
});
