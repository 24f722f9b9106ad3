import { createCipheriv, pbkdf2Sync, randomBytes, randomUUID, scryptSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { encodeMigrationUris, formatKeyUri, type OtpAccount } from '../../sdk/otp/index.ts';
import { detectImport, readImport } from './read-import.ts';

/*
 * Fixtures are built here from each format's public description (Aegis docs/vault.md; 2FAS's
 * backup schema v4), encrypted with Node's own scrypt/PBKDF2/AES-GCM, so the readers are checked
 * against an independent implementation.
 */

const ann: OtpAccount = {
  type: 'totp',
  secret: 'JBSWY3DPEHPK3PXP',
  issuer: 'ACME',
  label: 'ann@example.com',
  algorithm: 'SHA1',
  digits: 6,
  period: 30,
};
const bob: OtpAccount = {
  type: 'hotp',
  secret: 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ',
  issuer: 'Globex',
  label: 'bob',
  algorithm: 'SHA256',
  digits: 8,
  period: 30,
  counter: 7,
};
const carl: OtpAccount = {
  type: 'totp',
  secret: 'MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43U',
  issuer: 'Initech',
  label: 'carl',
  algorithm: 'SHA512',
  digits: 8,
  period: 60,
};

function gcm(key: Buffer, plain: Buffer): { nonce: Buffer; ciphertext: Buffer; tag: Buffer } {
  const nonce = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  const ciphertext = Buffer.concat([cipher.update(plain), cipher.final()]);
  return { nonce, ciphertext, tag: cipher.getAuthTag() };
}

function aegisEntry(a: OtpAccount) {
  return {
    type: a.type,
    uuid: randomUUID(),
    name: a.label,
    issuer: a.issuer ?? '',
    note: '',
    icon: null,
    info: {
      secret: a.secret,
      algo: a.algorithm,
      digits: a.digits,
      ...(a.type === 'totp' ? { period: a.period } : { counter: a.counter }),
    },
  };
}

const steamEntry = {
  type: 'steam',
  uuid: randomUUID(),
  name: 'gamer',
  issuer: 'Steam',
  icon: null,
  info: { secret: 'KRSXG5CTMVRXEZLUKN2XAZLSKNSWG4TFOQ', algo: 'SHA1', digits: 5, period: 30 },
};

function aegisContent(entries: unknown[]) {
  return { version: 2, entries, groups: [] };
}

function aegisPlain(entries: unknown[]) {
  return JSON.stringify({
    version: 1,
    header: { slots: null, params: null },
    db: aegisContent(entries),
  });
}

/** An encrypted Aegis vault: a random master key wrapped in one password slot. */
function aegisEncrypted(entries: unknown[], password: string, n = 2 ** 15): string {
  const masterKey = randomBytes(32);
  const salt = randomBytes(32);
  const slotKey = scryptSync(password, salt, 32, { N: n, r: 8, p: 1, maxmem: 256 * 1024 * 1024 });
  const wrapped = gcm(slotKey, masterKey);
  const content = gcm(masterKey, Buffer.from(JSON.stringify(aegisContent(entries))));
  return JSON.stringify({
    version: 1,
    header: {
      slots: [
        {
          type: 1,
          uuid: randomUUID(),
          key: wrapped.ciphertext.toString('hex'),
          key_params: { nonce: wrapped.nonce.toString('hex'), tag: wrapped.tag.toString('hex') },
          n,
          r: 8,
          p: 1,
          salt: salt.toString('hex'),
          repaired: true,
          is_backup: false,
        },
      ],
      params: { nonce: content.nonce.toString('hex'), tag: content.tag.toString('hex') },
    },
    db: content.ciphertext.toString('base64'),
  });
}

function twoFasService(a: OtpAccount, position: number) {
  return {
    name: a.issuer ?? '',
    secret: a.secret,
    updatedAt: 1_700_000_000_000,
    otp: {
      label: `${a.issuer}:${a.label}`,
      account: a.label,
      issuer: a.issuer,
      digits: a.digits,
      period: a.period,
      algorithm: a.algorithm,
      ...(a.type === 'hotp' ? { counter: a.counter } : {}),
      tokenType: a.type.toUpperCase(),
      source: 'Link',
    },
    order: { position },
    icon: { selected: 'Label', label: { text: 'AC', backgroundColor: 'Orange' } },
  };
}

function twoFas(services: unknown[], password?: string, schemaVersion = 4): string {
  const base = {
    groups: [],
    updatedAt: 1_700_000_000_000,
    schemaVersion,
    appVersionCode: 5000000,
    appVersionName: '5.0.0',
    appOrigin: 'android',
  };
  if (password === undefined) return JSON.stringify({ services, ...base });
  const seal = (plain: string) => {
    const salt = randomBytes(32);
    const key = pbkdf2Sync(password, salt, 10_000, 32, 'sha256');
    const { nonce, ciphertext, tag } = gcm(key, Buffer.from(plain));
    return [Buffer.concat([ciphertext, tag]), salt, nonce]
      .map((b) => b.toString('base64'))
      .join(':');
  };
  return JSON.stringify({
    services: [],
    ...base,
    servicesEncrypted: seal(JSON.stringify(services)),
    reference: seal('reference text'),
  });
}

describe('Aegis vault import', () => {
  it('reads a plain vault: TOTP and HOTP entries, Steam listed as unsupported', async () => {
    const text = aegisPlain([aegisEntry(ann), steamEntry, aegisEntry(bob)]);
    expect(detectImport(text)).toEqual({ ok: true, source: 'aegis', encrypted: false });
    expect(await readImport(text)).toEqual({
      ok: true,
      source: 'aegis',
      accounts: [ann, bob],
      unsupported: [
        { name: 'Steam (gamer)', reason: 'Steam codes are not supported, only TOTP and HOTP.' },
      ],
    });
  });

  it('reads an encrypted vault with its password (scrypt slot, AES-256-GCM master key)', async () => {
    const text = aegisEncrypted([aegisEntry(carl), aegisEntry(ann)], 'aegis pass');
    expect(detectImport(text)).toEqual({ ok: true, source: 'aegis', encrypted: true });
    expect(await readImport(text)).toMatchObject({ ok: false, code: 'PASSPHRASE_REQUIRED' });
    expect(await readImport(text, 'wrong pass')).toMatchObject({
      ok: false,
      code: 'WRONG_PASSPHRASE',
    });
    expect(await readImport(text, 'aegis pass')).toEqual({
      ok: true,
      source: 'aegis',
      accounts: [carl, ann],
      unsupported: [],
    });
  });

  it('refuses a damaged content, an unknown version, a cut file, and unsupported algorithms', async () => {
    const text = aegisEncrypted([aegisEntry(ann)], 'pw', 2 ** 10);
    const file = JSON.parse(text);
    file.db = `${file.db.slice(0, -8)}AAAAAAA=`;
    expect(await readImport(JSON.stringify(file), 'pw')).toMatchObject({
      ok: false,
      code: 'DAMAGED',
    });
    const future = JSON.parse(aegisPlain([aegisEntry(ann)]));
    future.version = 2;
    expect(await readImport(JSON.stringify(future))).toMatchObject({ code: 'UNKNOWN_VERSION' });
    expect(await readImport(text.slice(0, 200), 'pw')).toMatchObject({ code: 'TRUNCATED' });
    const md5 = aegisEntry(ann);
    (md5.info as { algo: string }).algo = 'MD5';
    expect(await readImport(aegisPlain([md5]))).toMatchObject({
      ok: false,
      code: 'NOTHING_TO_IMPORT',
      message: expect.stringContaining('algorithm is not supported'),
    });
    const costly = JSON.parse(text);
    costly.header.slots[0].n = 2 ** 30;
    expect(await readImport(JSON.stringify(costly), 'pw')).toMatchObject({ code: 'DAMAGED' });
  });
});

describe('2FAS backup import', () => {
  it('reads a plain backup in list order (order.position), HOTP with its counter', async () => {
    const text = twoFas([twoFasService(ann, 2), twoFasService(bob, 0), twoFasService(carl, 1)]);
    expect(detectImport(text)).toEqual({ ok: true, source: '2fas', encrypted: false });
    expect(await readImport(text)).toEqual({
      ok: true,
      source: '2fas',
      accounts: [bob, carl, ann],
      unsupported: [],
    });
  });

  it('reads an encrypted backup with its password and refuses a wrong one', async () => {
    const steam = {
      ...twoFasService(ann, 1),
      otp: { ...twoFasService(ann, 1).otp, tokenType: 'STEAM' },
    };
    const text = twoFas([twoFasService(carl, 0), steam], 'twofas pw');
    expect(detectImport(text)).toEqual({ ok: true, source: '2fas', encrypted: true });
    expect(await readImport(text, 'nope')).toMatchObject({ ok: false, code: 'WRONG_PASSPHRASE' });
    expect(await readImport(text, 'twofas pw')).toEqual({
      ok: true,
      source: '2fas',
      accounts: [carl],
      unsupported: [
        {
          name: 'ACME (ann@example.com)',
          reason: 'Steam codes are not supported, only TOTP and HOTP.',
        },
      ],
    });
  });

  it('refuses schema versions before 4 and malformed encrypted parts', async () => {
    expect(await readImport(twoFas([twoFasService(ann, 0)], undefined, 3))).toMatchObject({
      code: 'UNKNOWN_VERSION',
    });
    const file = JSON.parse(twoFas([twoFasService(ann, 0)], 'pw'));
    file.servicesEncrypted = file.servicesEncrypted.split(':').slice(0, 2).join(':');
    expect(await readImport(JSON.stringify(file), 'pw')).toMatchObject({ code: 'DAMAGED' });
  });
});

describe('otpauth URI lists and Google Authenticator exports', () => {
  it('reads a text file of otpauth URIs, listing the lines it cannot use', async () => {
    const text = [formatKeyUri(ann), '', 'https://example.com', formatKeyUri(bob)].join('\n');
    expect(await readImport(text)).toEqual({
      ok: true,
      source: 'otpauth-list',
      accounts: [ann, bob],
      unsupported: [{ name: 'Line 2', reason: 'This line is not a key link (otpauth://).' }],
    });
  });

  it('reads an export over several parts only when every part is in, in any order', async () => {
    const many = Array.from({ length: 12 }, (_, i) => ({ ...ann, label: `user${i}` }));
    const parts = encodeMigrationUris(many, { batchId: 42 });
    expect(parts).toHaveLength(2);
    const [first, second] = parts as [string, string];
    expect(await readImport(`${second}\n${first}`)).toEqual({
      ok: true,
      source: 'google-authenticator',
      accounts: many,
      unsupported: [],
    });
    expect(await readImport(first)).toMatchObject({
      ok: false,
      code: 'INCOMPLETE_EXPORT',
      message: expect.stringContaining('1 of 2 parts; part 2 is missing'),
    });
    const other = encodeMigrationUris(many, { batchId: 7 });
    expect(await readImport(`${first}\n${other[1]}`)).toMatchObject({
      ok: false,
      code: 'FOREIGN_PART',
    });
  });
});
