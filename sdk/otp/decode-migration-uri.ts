import { base64Decode } from './base64.ts';
import { OtpError, type OtpErrorCode } from './errors.ts';
import { migrationAccount } from './migration-account.ts';
import { expectWire, ProtoReader, toInt32, WIRE } from './protobuf.ts';
import { LIMITS, type OtpAccount } from './types.ts';

const SCHEME = 'otpauth-migration://offline';

/** What one QR code of a Google Authenticator export holds. */
export interface MigrationPayload {
  /** The accounts that decoded completely, in export order. */
  accounts: OtpAccount[];
  /** Entries left out, by position among the export's entries, with the reason as an error code. */
  skipped: { index: number; reason: OtpErrorCode; message: string }[];
  /** Position of this QR code in a multi-QR export: `index` from 0, `size` at least 1, `id` shared by all. */
  batch: { index: number; size: number; id: number };
  /** Format version written by the exporter (Google Authenticator writes 1). */
  version: number;
}

function malformed(message: string): OtpError {
  return new OtpError('INVALID_MIGRATION', message);
}

/** The base64 `data` parameter, repaired for `+` that a form decoder turned into spaces. */
function dataParam(uri: string): string {
  if (typeof uri !== 'string') throw malformed('This is not a Google Authenticator export link.');
  if (uri.length > LIMITS.maxMigrationUriLength) {
    throw new OtpError('MIGRATION_TOO_LONG', 'This export link is too long (64 KiB).');
  }
  const text = uri.trim();
  const q = text.indexOf('?');
  const head = (q < 0 ? text : text.slice(0, q)).replace(/\/$/, '').toLowerCase();
  if (head !== SCHEME) throw malformed('This is not a Google Authenticator export link.');
  let data: string | undefined;
  for (const part of q < 0 ? [] : text.slice(q + 1).split('&')) {
    const eq = part.indexOf('=');
    if (part.slice(0, eq < 0 ? part.length : eq).toLowerCase() !== 'data') continue;
    if (data !== undefined)
      throw malformed('This export link is ambiguous: it has two data parts.');
    try {
      data = decodeURIComponent(eq < 0 ? '' : part.slice(eq + 1));
    } catch {
      throw malformed('This export link is damaged: it contains a broken %-escape.');
    }
  }
  if (data === undefined) throw malformed('This export link has no data.');
  return data.replace(/ /g, '+');
}

/**
 * Decodes one Google Authenticator export QR code with everything it tells: the accounts, the
 * entries that could not be used and why, and the batch position so that a multi-QR export
 * can be checked for missing parts.
 *
 * Damage to the payload itself (bad base64, truncated varints, lengths past the end, wrong
 * wire types) throws; an entry that is damaged or unsupported (MD5, unknown digits, secret out
 * of range) is listed in `skipped`, never half-decoded.
 *
 * @param uri `otpauth-migration://offline?data=…`, at most 64 KiB. Tolerates `+` turned into a
 *   space, URL-safe base64 and missing padding.
 * @returns The payload; `accounts` may be empty.
 * @throws {OtpError} INVALID_MIGRATION, MIGRATION_TOO_LONG.
 * @example
 * const { accounts, skipped, batch } = decodeMigrationPayload(scanned);
 * if (batch.size > 1) console.log(`part ${batch.index + 1} of ${batch.size}`);
 */
export function decodeMigrationPayload(uri: string): MigrationPayload {
  const bytes = base64Decode(dataParam(uri));
  if (bytes === null) throw malformed('This export link is damaged: its data is not base64.');
  const payload: MigrationPayload = {
    accounts: [],
    skipped: [],
    batch: { index: 0, size: 1, id: 0 },
    version: 0,
  };
  const entries: Uint8Array[] = [];
  const reader = new ProtoReader(bytes);
  while (!reader.done) {
    const { field, wire } = reader.tag();
    if (field === 1) {
      expectWire(wire, WIRE.bytes);
      entries.push(reader.bytesField());
    } else if (field >= 2 && field <= 5) {
      expectWire(wire, WIRE.varint);
      const value = toInt32(reader.varint());
      if (field === 2) payload.version = value;
      else if (field === 3) payload.batch.size = Math.max(1, value);
      else if (field === 4) payload.batch.index = value;
      else payload.batch.id = value;
    } else reader.skip(wire);
  }
  // Entries are decoded only once the whole payload has proved well-formed.
  entries.forEach((entry, index) => {
    try {
      payload.accounts.push(migrationAccount(entry));
    } catch (error) {
      if (!(error instanceof OtpError)) throw error;
      payload.skipped.push({ index, reason: error.code, message: error.message });
    }
  });
  return payload;
}

/**
 * Decodes a Google Authenticator export (`otpauth-migration://offline?data=…`) into accounts.
 * Unusable entries are left out; see {@link decodeMigrationPayload} for which and why.
 *
 * @param uri The export link, at most 64 KiB.
 * @returns At least one account.
 * @throws {OtpError} INVALID_MIGRATION, MIGRATION_TOO_LONG, or MIGRATION_EMPTY when no entry
 *   could be used.
 * @example
 * const accounts = decodeMigrationUri('otpauth-migration://offline?data=CjEKCkhlbGxvId6tvu8SGGFs…');
 */
export function decodeMigrationUri(uri: string): OtpAccount[] {
  const { accounts, skipped } = decodeMigrationPayload(uri);
  if (accounts.length === 0) {
    const why = skipped[0] ? ` ${skipped[0].message}` : '';
    throw new OtpError(
      'MIGRATION_EMPTY',
      `This export contains no account that can be added.${why}`,
    );
  }
  return accounts;
}
