import {
  collectMigrationParts,
  decodeMigrationPayload,
  decodeMigrationUri,
  formatKeyUri,
  normalizeSecret,
  type OtpAccount,
  OtpError,
  parseKeyUri,
} from '../../sdk/otp/index.ts';

/** What adding from a piece of text (pasted, scanned, linked or typed) gives. */
export type KeyTextResult =
  | { ok: true; accounts: OtpAccount[] }
  | { ok: false; code: string; message: string };

/** Codes of failures found by the add screen itself (the rest come from sdk/otp). */
export const ADD_ERROR_CODES = {
  /** The text (or QR code) is something else: a web link, plain text. It is never opened. */
  NOT_A_KEY: 'NOT_A_KEY',
  /** Manual entry with neither an issuer nor an account name. */
  MISSING_NAME: 'MISSING_NAME',
  /** Some parts of a Google Authenticator export spread over several QR codes are missing. */
  INCOMPLETE_EXPORT: 'INCOMPLETE_EXPORT',
  /** A part of another Google Authenticator export is mixed in. */
  FOREIGN_PART: 'FOREIGN_PART',
} as const;

/** "part 3 is" / "parts 2, 3 are", for messages about missing export parts. */
export function missingWords(missing: readonly number[]): string {
  return missing.length === 1 ? `part ${missing[0]} is` : `parts ${missing.join(', ')} are`;
}

function failure(error: unknown): KeyTextResult {
  if (error instanceof OtpError) return { ok: false, code: error.code, message: error.message };
  throw error;
}

/**
 * Reads text that should hold a key: an `otpauth://` URI (one account), an
 * `otpauth-migration://` export (all of its accounts), or several of these one per line (a
 * plain-text export): all of them, or on any error none. Anything else is NOT_A_KEY.
 *
 * @example readKeyText(scanned) // { ok: true, accounts: [...] } | { ok: false, code, message }
 */
export function readKeyText(text: string): KeyTextResult {
  const lines = text.split(/\r?\n/).filter((line) => line.trim() !== '');
  // A plain-text export of another app is one URI per line; read all of them or none.
  if (lines.length > 1 || isMultiPart(text)) return readKeyLines(lines);
  return readOneKey(text);
}

/** True for one QR part of a Google Authenticator export spread over several codes. */
function isMultiPart(line: string): boolean {
  if (!/^\s*otpauth-migration:/i.test(line)) return false;
  try {
    return decodeMigrationPayload(line.trim()).batch.size > 1;
  } catch {
    return false;
  }
}

function readKeyLines(lines: string[]): KeyTextResult {
  const accounts: OtpAccount[] = [];
  const parts = collectMigrationParts();
  let at = -1;
  for (const [i, line] of lines.entries()) {
    if (isMultiPart(line)) {
      const result = parts.add(decodeMigrationPayload(line.trim()));
      if (result.status === 'foreign') {
        return {
          ok: false,
          code: ADD_ERROR_CODES.FOREIGN_PART,
          message: `Line ${i + 1} is a part of another Google Authenticator export. Use the parts of one export only.`,
        };
      }
      if (at < 0) at = accounts.length;
      if (result.status === 'complete') accounts.splice(at, 0, ...result.accounts);
      continue;
    }
    const result = readOneKey(line);
    if (!result.ok) return { ...result, message: `Line ${i + 1}: ${result.message}` };
    accounts.push(...result.accounts);
  }
  const { received, size } = parts.progress();
  if (received < size) {
    return {
      ok: false,
      code: ADD_ERROR_CODES.INCOMPLETE_EXPORT,
      message: `This Google Authenticator export has ${size} parts and ${received} of ${size} are here; ${missingWords(parts.missing())} missing. Paste every part.`,
    };
  }
  return { ok: true, accounts };
}

function readOneKey(text: string): KeyTextResult {
  const trimmed = text.trim();
  const scheme = trimmed.slice(0, trimmed.indexOf(':') + 1).toLowerCase();
  try {
    if (scheme === 'otpauth:') return { ok: true, accounts: [parseKeyUri(trimmed)] };
    if (scheme === 'otpauth-migration:') return { ok: true, accounts: decodeMigrationUri(trimmed) };
  } catch (error) {
    return failure(error);
  }
  return {
    ok: false,
    code: ADD_ERROR_CODES.NOT_A_KEY,
    message:
      'This is not an authenticator key. A key starts with otpauth:// (or otpauth-migration:// for an export).',
  };
}

/** The fields of the manual-entry form, as typed. */
export interface ManualFields {
  issuer: string;
  label: string;
  secret: string;
  type: 'totp' | 'hotp';
  algorithm: OtpAccount['algorithm'];
  digits: number;
  period: number;
  counter: number;
}

/**
 * Builds an account from the manual-entry form. The secret may be typed as a BMS shows it
 * (groups, dashes, lower case); every field is checked by sdk/otp's own parser.
 *
 * @example readManualFields({ issuer: 'BMS', label: 'ann', secret: 'jbsw y3dp ehpk 3pxp', ... })
 */
export function readManualFields(fields: ManualFields): KeyTextResult {
  const issuer = fields.issuer.trim();
  const label = fields.label.trim() || issuer;
  if (!label) {
    return {
      ok: false,
      code: ADD_ERROR_CODES.MISSING_NAME,
      message: 'Enter the service (issuer) or the account name, so you can tell the code apart.',
    };
  }
  try {
    const account: OtpAccount = {
      type: fields.type,
      secret: normalizeSecret(fields.secret),
      label,
      algorithm: fields.algorithm,
      digits: fields.digits,
      period: fields.period,
      ...(issuer ? { issuer } : {}),
      ...(fields.type === 'hotp' ? { counter: fields.counter } : {}),
    };
    // Round trip through the shared parser: one set of rules for every way of adding.
    return { ok: true, accounts: [parseKeyUri(formatKeyUri(account))] };
  } catch (error) {
    return failure(error);
  }
}
