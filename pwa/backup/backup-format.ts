import type { OtpAccount } from '../../sdk/otp/index.ts';
import { fromBase64, toBase64 } from './bytes.ts';
import {
  checkImported,
  entryName,
  IMPORT_ERROR_CODES,
  type ImportResult,
  importFailure,
  importSuccess,
  isObject,
  type UnsupportedEntry,
} from './import-result.ts';
import { derivePassphraseKey as deriveKey, PBKDF2_ITERATIONS } from './passphrase-kdf.ts';

/**
 * MFA Companion's encrypted backup (documented in pwa/README.md, "Backup file format"): JSON
 * with a format name and version, the KDF and its parameters, the salt, the nonce and the
 * AES-256-GCM ciphertext of the accounts in list order.
 */
export const BACKUP_FORMAT = 'mfa-companion-backup';
export const BACKUP_VERSION = 1;
/** A file asking for fewer than {@link PBKDF2_ITERATIONS} is refused. */
export { PBKDF2_ITERATIONS };

/** Reading refuses more, so a crafted file cannot keep the device busy for minutes. */
const MAX_ITERATIONS = 10_000_000;

/** The file as written. */
export interface BackupFile {
  format: typeof BACKUP_FORMAT;
  version: typeof BACKUP_VERSION;
  createdAt: string;
  kdf: { name: 'PBKDF2-SHA256'; iterations: number; salt: string };
  cipher: { name: 'AES-256-GCM'; nonce: string };
  ciphertext: string;
}

/** The plaintext inside the ciphertext. */
interface BackupContent {
  accounts: OtpAccount[];
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * The header fields are bound as additional data: a file whose KDF, salt or version was edited
 * does not open, rather than opening with parameters nobody chose.
 */
function additionalData(
  file: Pick<BackupFile, 'version' | 'kdf' | 'cipher'>,
): Uint8Array<ArrayBuffer> {
  const { kdf, cipher } = file;
  return encoder.encode(
    `${BACKUP_FORMAT}|${file.version}|${kdf.name}|${kdf.iterations}|${kdf.salt}|${cipher.name}|${cipher.nonce}`,
  );
}

/** Only the fields of the format, in a fixed order, whatever else an account object carries. */
function plainAccount(a: OtpAccount): OtpAccount {
  return {
    type: a.type,
    secret: a.secret,
    ...(a.issuer !== undefined ? { issuer: a.issuer } : {}),
    label: a.label,
    algorithm: a.algorithm,
    digits: a.digits,
    period: a.period,
    ...(a.type === 'hotp' ? { counter: a.counter ?? 0 } : {}),
  };
}

/**
 * Encrypts accounts (in list order) into a backup file's text.
 *
 * @example const text = await writeBackup(entries.map((e) => e.account), passphrase);
 */
export async function writeBackup(
  accounts: readonly OtpAccount[],
  passphrase: string,
  now: Date = new Date(),
): Promise<string> {
  if (passphrase === '') throw new Error('A backup needs a passphrase.');
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const nonce = crypto.getRandomValues(new Uint8Array(12));
  const header = {
    version: BACKUP_VERSION,
    kdf: { name: 'PBKDF2-SHA256', iterations: PBKDF2_ITERATIONS, salt: toBase64(salt) },
    cipher: { name: 'AES-256-GCM', nonce: toBase64(nonce) },
  } as const;
  const key = await deriveKey(passphrase, salt, PBKDF2_ITERATIONS);
  const content: BackupContent = { accounts: accounts.map(plainAccount) };
  const sealed = await crypto.subtle.encrypt(
    { name: 'AES-GCM', iv: nonce, additionalData: additionalData(header) },
    key,
    encoder.encode(JSON.stringify(content)),
  );
  const file: BackupFile = {
    format: BACKUP_FORMAT,
    createdAt: now.toISOString(),
    ...header,
    ciphertext: toBase64(new Uint8Array(sealed)),
  };
  return `${JSON.stringify(file, null, 2)}\n`;
}

/** True for a parsed JSON value that says it is one of our backups (any version). */
export function isBackupFile(json: unknown): boolean {
  return isObject(json) && json.format === BACKUP_FORMAT;
}

const damaged = (what: string) =>
  importFailure(
    IMPORT_ERROR_CODES.DAMAGED,
    `This MFA Companion backup is damaged (${what}). Nothing was imported.`,
    'mfa-companion',
  );

/**
 * Opens a parsed backup file with its passphrase.
 *
 * @example const result = await readBackup(JSON.parse(text), passphrase);
 */
export async function readBackup(json: unknown, passphrase: string): Promise<ImportResult> {
  if (!isObject(json) || json.format !== BACKUP_FORMAT) {
    return importFailure(
      IMPORT_ERROR_CODES.UNRECOGNISED_FILE,
      'This is not an MFA Companion backup.',
    );
  }
  if (json.version !== BACKUP_VERSION) {
    return importFailure(
      IMPORT_ERROR_CODES.UNKNOWN_VERSION,
      `This backup was made by a newer version of MFA Companion (format ${String(json.version)}). Update the app, then import it again.`,
      'mfa-companion',
    );
  }
  const { kdf, cipher } = json;
  if (!isObject(kdf) || !isObject(cipher)) return damaged('no encryption settings');
  if (kdf.name !== 'PBKDF2-SHA256' || cipher.name !== 'AES-256-GCM') {
    return importFailure(
      IMPORT_ERROR_CODES.UNKNOWN_VERSION,
      `This backup uses encryption this version does not know (${String(kdf.name)}, ${String(cipher.name)}). Update the app, then import it again.`,
      'mfa-companion',
    );
  }
  const iterations = kdf.iterations;
  if (
    typeof iterations !== 'number' ||
    !Number.isInteger(iterations) ||
    iterations < PBKDF2_ITERATIONS ||
    iterations > MAX_ITERATIONS
  ) {
    return damaged('unusual key-derivation settings');
  }
  const salt = fromBase64(kdf.salt);
  const nonce = fromBase64(cipher.nonce);
  const sealed = fromBase64(json.ciphertext);
  if (!salt || salt.length < 16 || !nonce || nonce.length !== 12)
    return damaged('bad salt or nonce');
  if (!sealed || sealed.length < 16) return damaged('no encrypted content');
  if (passphrase === '') {
    return importFailure(
      IMPORT_ERROR_CODES.PASSPHRASE_REQUIRED,
      'Enter the passphrase this backup was saved with.',
      'mfa-companion',
    );
  }
  const key = await deriveKey(passphrase, salt, iterations);
  let plain: ArrayBuffer;
  try {
    const aad = additionalData({
      version: BACKUP_VERSION,
      kdf: { name: 'PBKDF2-SHA256', iterations, salt: String(kdf.salt) },
      cipher: { name: 'AES-256-GCM', nonce: String(cipher.nonce) },
    });
    plain = await crypto.subtle.decrypt(
      { name: 'AES-GCM', iv: nonce, additionalData: aad },
      key,
      sealed,
    );
  } catch {
    return importFailure(
      IMPORT_ERROR_CODES.WRONG_PASSPHRASE,
      'The passphrase does not open this backup (or the file was changed after it was saved). Nothing was imported.',
      'mfa-companion',
    );
  }
  let content: unknown;
  try {
    content = JSON.parse(decoder.decode(plain));
  } catch {
    return damaged('unreadable content');
  }
  if (!isObject(content) || !Array.isArray(content.accounts)) return damaged('no account list');
  const accounts: OtpAccount[] = [];
  const unsupported: UnsupportedEntry[] = [];
  for (const [i, raw] of content.accounts.entries()) {
    const name = isObject(raw)
      ? entryName(raw.issuer, raw.label, `Account ${i + 1}`)
      : `Account ${i + 1}`;
    if (!isObject(raw)) {
      unsupported.push({ name, reason: 'This entry is not an account.' });
      continue;
    }
    const checked = checkImported(raw as unknown as OtpAccount);
    if (checked.ok) accounts.push(checked.account);
    else unsupported.push({ name, reason: checked.reason });
  }
  return importSuccess('mfa-companion', accounts, unsupported);
}
