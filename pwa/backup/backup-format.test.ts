import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import type { OtpAccount } from '../../sdk/otp/index.ts';
import { Vault } from '../vault/vault.ts';
import { BACKUP_FORMAT, PBKDF2_ITERATIONS, readBackup, writeBackup } from './backup-format.ts';
import { readImport } from './read-import.ts';
import { readUriList, writeUriList } from './uri-list.ts';

const accounts: OtpAccount[] = [
  {
    type: 'totp',
    secret: 'JBSWY3DPEHPK3PXP',
    issuer: 'ACME',
    label: 'ann@example.com',
    algorithm: 'SHA1',
    digits: 6,
    period: 30,
  },
  {
    type: 'hotp',
    secret: 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ',
    issuer: 'Globex',
    label: 'bob',
    algorithm: 'SHA256',
    digits: 8,
    period: 30,
    counter: 41,
  },
  {
    type: 'totp',
    secret: 'MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43U',
    label: 'no issuer: colon',
    algorithm: 'SHA512',
    digits: 7,
    period: 60,
  },
  {
    type: 'totp',
    secret: 'KRSXG5CTMVRXEZLUKN2XAZLSKNSWG4TFOQ',
    issuer: 'Ünïcødé 名前',
    label: 'Zoë',
    algorithm: 'SHA1',
    digits: 6,
    period: 15,
  },
];
const passphrase = 'correct horse battery staple';

describe('encrypted backup format', () => {
  it('writes the documented header and round-trips every field in order', async () => {
    const text = await writeBackup(accounts, passphrase, new Date('2030-01-02T03:04:05Z'));
    const file = JSON.parse(text) as Record<string, Record<string, unknown>>;
    expect(file.format).toBe(BACKUP_FORMAT);
    expect(file.version).toBe(1);
    expect(file.createdAt).toBe('2030-01-02T03:04:05.000Z');
    expect(file.kdf).toEqual({
      name: 'PBKDF2-SHA256',
      iterations: PBKDF2_ITERATIONS,
      salt: expect.stringMatching(/^[A-Za-z0-9+/]{22}==$/),
    });
    expect(file.cipher).toEqual({
      name: 'AES-256-GCM',
      nonce: expect.stringMatching(/^[A-Za-z0-9+/]{16}$/),
    });
    // Nothing of any account is readable in the file.
    for (const a of accounts) {
      expect(text).not.toContain(a.secret);
      expect(text).not.toContain(a.label);
    }
    const read = await readImport(text, passphrase);
    expect(read).toEqual({ ok: true, source: 'mfa-companion', accounts, unsupported: [] });
  });

  it('draws a fresh salt and nonce for every backup', async () => {
    const [a, b] = await Promise.all([
      writeBackup(accounts, passphrase),
      writeBackup(accounts, passphrase),
    ]);
    const pa = JSON.parse(a ?? '');
    const pb = JSON.parse(b ?? '');
    expect(pa.kdf.salt).not.toBe(pb.kdf.salt);
    expect(pa.cipher.nonce).not.toBe(pb.cipher.nonce);
    expect(pa.ciphertext).not.toBe(pb.ciphertext);
  });

  it('refuses a wrong passphrase and a missing one', async () => {
    const text = await writeBackup(accounts, passphrase);
    expect(await readImport(text, 'Correct horse battery staple')).toMatchObject({
      ok: false,
      code: 'WRONG_PASSPHRASE',
    });
    expect(await readImport(text)).toMatchObject({ ok: false, code: 'PASSPHRASE_REQUIRED' });
  });

  it('refuses a truncated file, an edited header, an unknown version and weak KDF settings', async () => {
    const text = await writeBackup(accounts, passphrase);
    expect(await readImport(text.slice(0, text.length / 2), passphrase)).toMatchObject({
      ok: false,
      code: 'TRUNCATED',
    });
    const file = JSON.parse(text);
    const edited = (change: (f: typeof file) => void) => {
      const copy = structuredClone(file);
      change(copy);
      return JSON.stringify(copy);
    };
    expect(
      await readImport(
        edited((f) => (f.version = 2)),
        passphrase,
      ),
    ).toMatchObject({
      ok: false,
      code: 'UNKNOWN_VERSION',
      message: expect.stringContaining('newer version'),
    });
    expect(
      await readImport(
        edited((f) => (f.kdf.name = 'scrypt')),
        passphrase,
      ),
    ).toMatchObject({
      ok: false,
      code: 'UNKNOWN_VERSION',
    });
    expect(
      await readImport(
        edited((f) => (f.kdf.iterations = 1000)),
        passphrase,
      ),
    ).toMatchObject({ ok: false, code: 'DAMAGED' });
    // More iterations than written: a valid setting, but bound into the additional data.
    expect(
      await readImport(
        edited((f) => (f.kdf.iterations = PBKDF2_ITERATIONS + 1)),
        passphrase,
      ),
    ).toMatchObject({ ok: false, code: 'WRONG_PASSPHRASE' });
    const cut = edited((f) => (f.ciphertext = f.ciphertext.slice(0, 40)));
    expect(await readImport(cut, passphrase)).toMatchObject({
      ok: false,
      code: 'WRONG_PASSPHRASE',
    });
    expect(
      await readImport(
        edited((f) => delete f.cipher),
        passphrase,
      ),
    ).toMatchObject({
      ok: false,
      code: 'DAMAGED',
    });
  });

  it('refuses files of another kind', async () => {
    for (const other of ['{"hello":"world"}', '[1,2,3]', 'just some notes', '<html></html>', '']) {
      expect(await readImport(other, passphrase)).toMatchObject({
        ok: false,
        code: 'UNRECOGNISED_FILE',
      });
    }
    expect(await readBackup({ format: 'other' }, passphrase)).toMatchObject({
      code: 'UNRECOGNISED_FILE',
    });
  });

  it('lists an entry that is not a valid account as unsupported, and keeps the rest', async () => {
    const broken = [accounts[0], { ...accounts[1], algorithm: 'MD5' }] as OtpAccount[];
    const read = await readImport(await writeBackup(broken, passphrase), passphrase);
    expect(read).toEqual({
      ok: true,
      source: 'mfa-companion',
      accounts: [accounts[0]],
      unsupported: [{ name: 'Globex (bob)', reason: expect.stringContaining('algorithm') }],
    });
  });
});

describe('export → wipe → import', () => {
  async function vaultWith(name: string, list: OtpAccount[]): Promise<Vault> {
    const vault = await Vault.open(name);
    await vault.add(list.slice(0, 2));
    await vault.add(list.slice(2));
    const { entries } = await vault.list();
    // Reorder, so the restored order must come from the file, not from insertion.
    await vault.reorder([entries[2], entries[0], entries[3], entries[1]].map((e) => e?.id ?? ''));
    return vault;
  }

  async function wipe(vault: Vault, name: string): Promise<void> {
    vault.close();
    await new Promise<void>((resolve, reject) => {
      const req = indexedDB.deleteDatabase(name);
      req.onsuccess = () => resolve();
      req.onerror = () => reject(req.error);
    });
  }

  for (const kind of ['encrypted backup', 'otpauth URI list'] as const) {
    it(`restores an identical vault from the ${kind}`, async () => {
      const name = `round-trip-${kind}`;
      const vault = await vaultWith(name, accounts);
      const before = (await vault.list()).entries.map((e) => e.account);
      const exported =
        kind === 'encrypted backup' ? await writeBackup(before, passphrase) : writeUriList(before);
      await wipe(vault, name);
      const empty = await Vault.open(name);
      expect((await empty.list()).entries).toEqual([]);
      const read = await readImport(exported, passphrase);
      if (!read.ok) throw new Error(read.message);
      await empty.add(read.accounts);
      const after = (await empty.list()).entries.map((e) => e.account);
      expect(after).toEqual(before);
      expect(after.map((a) => a.label)).toEqual([
        'no issuer: colon',
        'ann@example.com',
        'Zoë',
        'bob',
      ]);
      expect(after.find((a) => a.type === 'hotp')?.counter).toBe(41);
      empty.close();
    });
  }

  it('writes the URI list in the order given, one URI a line', () => {
    const text = writeUriList(accounts);
    expect(text.trim().split('\n')).toHaveLength(accounts.length);
    expect(readUriList(text)).toEqual({
      ok: true,
      source: 'otpauth-list',
      accounts,
      unsupported: [],
    });
  });
});
