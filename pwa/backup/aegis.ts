import type { OtpAccount } from '../../sdk/otp/index.ts';
import { concatBytes, fromBase64, fromHex } from './bytes.ts';
import {
  algorithmOf,
  checkImported,
  entryName,
  IMPORT_ERROR_CODES,
  type ImportResult,
  importFailure,
  importSuccess,
  isObject,
  type UnsupportedEntry,
} from './import-result.ts';

/**
 * Aegis vault files, as Aegis documents them (docs/vault.md of its repository): `{ version: 1,
 * header, db }`. Plain: `header.slots` and `header.params` are null and `db` is the content
 * object. Encrypted: `db` is base64 AES-256-GCM ciphertext under a random master key (nonce and
 * tag hex in `header.params`); each password slot (type 1) holds the master key wrapped with
 * AES-256-GCM under scrypt(password, salt, n, r, p) → 32 bytes.
 */

const PASSWORD_SLOT = 1;
/** Aegis writes content versions 1 to 3 with the same entry shape. */
const MAX_DB_VERSION = 3;
/** Bounds on scrypt's cost: Aegis uses n = 2^15, r = 8, p = 1; far more is a crafted file. */
const MAX_SCRYPT = { n: 2 ** 20, r: 32, p: 16 };

/** True for a parsed JSON value shaped like an Aegis vault (any version). */
export function isAegisVault(json: unknown): boolean {
  return isObject(json) && 'header' in json && 'db' in json && typeof json.version === 'number';
}

/** True when the vault is encrypted, so a password is needed. */
export function isAegisEncrypted(json: unknown): boolean {
  return isObject(json) && typeof json.db === 'string';
}

const damaged = (what: string) =>
  importFailure(
    IMPORT_ERROR_CODES.DAMAGED,
    `This Aegis vault is damaged or incomplete (${what}). Nothing was imported.`,
    'aegis',
  );

/**
 * Reads a parsed Aegis vault, decrypting it with `password` when it is encrypted.
 *
 * @example const result = await readAegis(JSON.parse(text), password);
 */
export async function readAegis(json: unknown, password = ''): Promise<ImportResult> {
  if (!isAegisVault(json) || !isObject(json)) {
    return importFailure(IMPORT_ERROR_CODES.UNRECOGNISED_FILE, 'This is not an Aegis vault.');
  }
  if (json.version !== 1) {
    return importFailure(
      IMPORT_ERROR_CODES.UNKNOWN_VERSION,
      `This Aegis vault has a file version this app does not know (${String(json.version)}). Export it again from an Aegis version that writes version 1, or as plain text.`,
      'aegis',
    );
  }
  let content: unknown = json.db;
  if (typeof json.db === 'string') {
    const opened = await decryptAegis(json, password);
    if (!opened.ok) return opened.failure;
    content = opened.content;
  }
  return readContent(content);
}

async function decryptAegis(
  json: Record<string, unknown>,
  password: string,
): Promise<{ ok: true; content: unknown } | { ok: false; failure: ImportResult }> {
  const fail = (failure: ImportResult) => ({ ok: false as const, failure });
  const header = json.header;
  if (!isObject(header) || !Array.isArray(header.slots) || !isObject(header.params)) {
    return fail(damaged('no encryption header'));
  }
  const slots = header.slots.filter((s) => isObject(s) && s.type === PASSWORD_SLOT);
  if (slots.length === 0) {
    return fail(
      importFailure(
        IMPORT_ERROR_CODES.DAMAGED,
        'This Aegis vault can only be opened with the phone’s biometrics, not a password. In Aegis, set a password (Settings → Security), then export again.',
        'aegis',
      ),
    );
  }
  const nonce = fromHex(header.params.nonce);
  const tag = fromHex(header.params.tag);
  const sealed = fromBase64(json.db);
  if (nonce?.length !== 12 || !tag || tag.length !== 16) return fail(damaged('bad nonce'));
  if (!sealed) return fail(damaged('the encrypted content is not base64'));
  if (password === '') {
    return fail(
      importFailure(
        IMPORT_ERROR_CODES.PASSPHRASE_REQUIRED,
        'Enter the password of this Aegis vault.',
        'aegis',
      ),
    );
  }
  const masterKey = await openSlots(slots as Record<string, unknown>[], password);
  if (masterKey === 'damaged') return fail(damaged('bad password slot'));
  if (masterKey === null) {
    return fail(
      importFailure(
        IMPORT_ERROR_CODES.WRONG_PASSPHRASE,
        'The password does not open this Aegis vault. Nothing was imported.',
        'aegis',
      ),
    );
  }
  try {
    const key = await crypto.subtle.importKey('raw', masterKey, 'AES-GCM', false, ['decrypt']);
    const plain = await crypto.subtle.decrypt(
      { name: 'AES-GCM', iv: nonce },
      key,
      concatBytes(sealed, tag),
    );
    return {
      ok: true,
      content: JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(plain)),
    };
  } catch {
    // The slot opened, so the password was right: the content itself was changed or cut.
    return fail(damaged('the encrypted content does not open'));
  }
}

/** The master key from the first password slot the password opens; null when none does. */
async function openSlots(
  slots: Record<string, unknown>[],
  password: string,
): Promise<Uint8Array<ArrayBuffer> | null | 'damaged'> {
  // Loaded only here: scrypt is needed for no other screen.
  const { scryptAsync } = await import('@noble/hashes/scrypt.js');
  for (const slot of slots) {
    const { n, r, p } = slot;
    const salt = fromHex(slot.salt);
    const wrapped = fromHex(slot.key);
    const params = slot.key_params;
    if (
      !isPositiveInt(n, MAX_SCRYPT.n) ||
      !isPositiveInt(r, MAX_SCRYPT.r) ||
      !isPositiveInt(p, MAX_SCRYPT.p) ||
      !salt ||
      !wrapped ||
      !isObject(params)
    ) {
      return 'damaged';
    }
    const nonce = fromHex(params.nonce);
    const tag = fromHex(params.tag);
    if (nonce?.length !== 12 || !tag || tag.length !== 16) return 'damaged';
    const derived = await scryptAsync(new TextEncoder().encode(password), salt, {
      N: n,
      r,
      p,
      dkLen: 32,
    });
    const slotKey = await crypto.subtle.importKey(
      'raw',
      new Uint8Array(derived),
      'AES-GCM',
      false,
      ['decrypt'],
    );
    try {
      const key = await crypto.subtle.decrypt(
        { name: 'AES-GCM', iv: nonce },
        slotKey,
        concatBytes(wrapped, tag),
      );
      return new Uint8Array(key);
    } catch {
      // Wrong password for this slot: try the next.
    }
  }
  return null;
}

function isPositiveInt(value: unknown, max: number): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 && value <= max;
}

const TYPE_NAMES: Record<string, string> = {
  steam: 'Steam',
  yandex: 'Yandex',
  motp: 'mOTP',
};

function readContent(content: unknown): ImportResult {
  if (!isObject(content) || !Array.isArray(content.entries)) return damaged('no entry list');
  if (typeof content.version === 'number' && content.version > MAX_DB_VERSION) {
    return importFailure(
      IMPORT_ERROR_CODES.UNKNOWN_VERSION,
      `This Aegis vault's content is version ${content.version}, newer than this app knows (up to ${MAX_DB_VERSION}). Export it as plain text, or update this app.`,
      'aegis',
    );
  }
  const accounts: OtpAccount[] = [];
  const unsupported: UnsupportedEntry[] = [];
  for (const [i, entry] of content.entries.entries()) {
    if (!isObject(entry)) {
      unsupported.push({ name: `Entry ${i + 1}`, reason: 'This entry is not an account.' });
      continue;
    }
    const name = entryName(entry.issuer, entry.name, `Entry ${i + 1}`);
    const info = isObject(entry.info) ? entry.info : {};
    const type = String(entry.type);
    if (type !== 'totp' && type !== 'hotp') {
      const kind = TYPE_NAMES[type] ?? `“${type}”`;
      unsupported.push({ name, reason: `${kind} codes are not supported, only TOTP and HOTP.` });
      continue;
    }
    const issuer = typeof entry.issuer === 'string' ? entry.issuer.trim() : '';
    const label = (typeof entry.name === 'string' ? entry.name.trim() : '') || issuer;
    const checked = checkImported({
      type,
      secret: info.secret as string,
      ...(issuer ? { issuer } : {}),
      label,
      algorithm: algorithmOf(info.algo),
      digits: (info.digits as number | undefined) ?? 6,
      period: (info.period as number | undefined) ?? 30,
      ...(type === 'hotp' ? { counter: (info.counter as number | undefined) ?? 0 } : {}),
    });
    if (checked.ok) accounts.push(checked.account);
    else unsupported.push({ name, reason: checked.reason });
  }
  return importSuccess('aegis', accounts, unsupported);
}
