import {
  ALGORITHMS,
  type Algorithm,
  formatKeyUri,
  normalizeSecret,
  type OtpAccount,
  OtpError,
  parseKeyUri,
} from '../../sdk/otp/index.ts';

/** The kinds of file the import screen reads. */
export type ImportSource =
  | 'mfa-companion'
  | 'aegis'
  | '2fas'
  | 'otpauth-list'
  | 'google-authenticator';

/** Names of the sources as a person knows them. */
export const SOURCE_NAMES: Record<ImportSource, string> = {
  'mfa-companion': 'MFA Companion backup',
  aegis: 'Aegis vault',
  '2fas': '2FAS backup',
  'otpauth-list': 'list of otpauth:// links',
  'google-authenticator': 'Google Authenticator export',
};

/** An entry of the file that cannot be imported, with the reason in words. */
export interface UnsupportedEntry {
  name: string;
  reason: string;
}

/** Stable codes of every way reading an import can fail; nothing is stored on any of them. */
export const IMPORT_ERROR_CODES = {
  /** Not a file of any kind this app reads. */
  UNRECOGNISED_FILE: 'UNRECOGNISED_FILE',
  /** The file ends early (cut off while copying or downloading). */
  TRUNCATED: 'TRUNCATED',
  /** A known kind of file, but a version of it this app does not know. */
  UNKNOWN_VERSION: 'UNKNOWN_VERSION',
  /** A known kind of file with fields missing or out of range. */
  DAMAGED: 'DAMAGED',
  /** The file is encrypted and no passphrase was given. */
  PASSPHRASE_REQUIRED: 'PASSPHRASE_REQUIRED',
  /** The passphrase does not open the file (or the file was changed since it was made). */
  WRONG_PASSPHRASE: 'WRONG_PASSPHRASE',
  /** A readable file, but no entry in it can be used. */
  NOTHING_TO_IMPORT: 'NOTHING_TO_IMPORT',
  /** Some QR codes of a Google Authenticator export are missing. */
  INCOMPLETE_EXPORT: 'INCOMPLETE_EXPORT',
  /** A QR code of another Google Authenticator export is mixed in. */
  FOREIGN_PART: 'FOREIGN_PART',
  /** Larger than any authenticator backup (10 MB). */
  TOO_LARGE: 'TOO_LARGE',
} as const;
export type ImportErrorCode = (typeof IMPORT_ERROR_CODES)[keyof typeof IMPORT_ERROR_CODES];

/** Accounts read from a file, in the file's order, and the entries left out. */
export interface ImportedAccounts {
  source: ImportSource;
  accounts: OtpAccount[];
  unsupported: UnsupportedEntry[];
}

/** What reading an import gives: the accounts, or why nothing can be imported. */
export type ImportResult =
  | ({ ok: true } & ImportedAccounts)
  | { ok: false; code: ImportErrorCode; message: string; source?: ImportSource };

/** A failure value. */
export function importFailure(
  code: ImportErrorCode,
  message: string,
  source?: ImportSource,
): ImportResult & { ok: false } {
  return { ok: false, code, message, ...(source ? { source } : {}) };
}

/**
 * The accounts, or NOTHING_TO_IMPORT when every entry was left out (the reason of the first
 * is given, so a file of one Steam account says why).
 */
export function importSuccess(
  source: ImportSource,
  accounts: OtpAccount[],
  unsupported: UnsupportedEntry[],
): ImportResult {
  if (accounts.length === 0) {
    const why = unsupported[0] ? ` ${unsupported[0].name}: ${unsupported[0].reason}` : '';
    return importFailure(
      IMPORT_ERROR_CODES.NOTHING_TO_IMPORT,
      `This ${SOURCE_NAMES[source]} has no account this app can use.${why}`,
      source,
    );
  }
  return { ok: true, source, accounts, unsupported };
}

/** A name for an entry in messages: "Issuer (account)", or what the entry has. */
export function entryName(issuer: unknown, label: unknown, fallback: string): string {
  const i = typeof issuer === 'string' ? issuer.trim() : '';
  const l = typeof label === 'string' ? label.trim() : '';
  if (i && l && i !== l) return `${i} (${l})`;
  return i || l || fallback;
}

/**
 * Checks fields read from another app's file by the same rules as every other way of adding
 * (sdk/otp's parser): the account, normalised, or the reason it cannot be used.
 */
export function checkImported(
  fields: OtpAccount,
): { ok: true; account: OtpAccount } | { ok: false; reason: string } {
  if (typeof fields.secret !== 'string' || fields.secret.trim() === '') {
    return { ok: false, reason: 'The secret key is missing.' };
  }
  try {
    const secret = normalizeSecret(fields.secret);
    return { ok: true, account: parseKeyUri(formatKeyUri({ ...fields, secret })) };
  } catch (error) {
    if (error instanceof OtpError) return { ok: false, reason: error.message };
    throw error;
  }
}

/** Reads an object field that should be a plain object. */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * An algorithm name as other apps write it (`SHA1`, `sha-256`), or the name itself when it is
 * not one we support, so {@link checkImported} reports it in words.
 */
export function algorithmOf(name: unknown, fallback: Algorithm = 'SHA1'): Algorithm {
  if (name === undefined || name === null || name === '') return fallback;
  const upper = String(name).toUpperCase().replace('-', '');
  return (ALGORITHMS.find((a) => a === upper) ?? upper) as Algorithm;
}
