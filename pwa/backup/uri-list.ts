import {
  collectMigrationParts,
  decodeMigrationPayload,
  formatKeyUri,
  type OtpAccount,
  OtpError,
  parseKeyUri,
} from '../../sdk/otp/index.ts';
import {
  IMPORT_ERROR_CODES,
  type ImportResult,
  type ImportSource,
  importFailure,
  importSuccess,
  type UnsupportedEntry,
} from './import-result.ts';

/**
 * Text with one key link a line: `otpauth://` URIs (any app's plain export) and/or the
 * `otpauth-migration://` parts of one Google Authenticator export. Blank lines are ignored.
 */

/** True when the text has at least one key link line. */
export function looksLikeUriList(text: string): boolean {
  return /^\s*otpauth(-migration)?:\/\//im.test(text);
}

/** The accounts as a plain list, one `otpauth://` URI a line (the reverse of {@link readUriList}). */
export function writeUriList(accounts: readonly OtpAccount[]): string {
  return `${accounts.map(formatKeyUri).join('\n')}\n`;
}

/**
 * Reads the list. A line that is not a usable key is listed as unsupported with its reason; a
 * Google Authenticator export must be complete (every QR part of one batch), else nothing is read.
 *
 * @example readUriList(await file.text())
 */
export function readUriList(text: string): ImportResult {
  const lines = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '');
  const accounts: OtpAccount[] = [];
  const unsupported: UnsupportedEntry[] = [];
  const parts = collectMigrationParts();
  let migrationAt = -1;
  let sawUri = false;
  for (const [i, line] of lines.entries()) {
    const name = `Line ${i + 1}`;
    const scheme = line.slice(0, line.indexOf(':') + 1).toLowerCase();
    try {
      if (scheme === 'otpauth:') {
        accounts.push(parseKeyUri(line));
        sawUri = true;
      } else if (scheme === 'otpauth-migration:') {
        const result = parts.add(decodeMigrationPayload(line));
        if (result.status === 'foreign') {
          return importFailure(
            IMPORT_ERROR_CODES.FOREIGN_PART,
            `${name} is a part of another Google Authenticator export. Use the QR codes of one export only. Nothing was imported.`,
            'google-authenticator',
          );
        }
        if (migrationAt < 0) migrationAt = accounts.length;
        if (result.status === 'complete') {
          // The export's accounts go where its first part was, in export order.
          accounts.splice(migrationAt, 0, ...result.accounts);
          for (const s of result.skipped) {
            unsupported.push({ name: `Export entry ${s.index + 1}`, reason: s.message });
          }
        }
      } else {
        unsupported.push({ name, reason: 'This line is not a key link (otpauth://).' });
      }
    } catch (error) {
      if (!(error instanceof OtpError)) throw error;
      unsupported.push({ name, reason: error.message });
    }
  }
  const { received, size } = parts.progress();
  if (received > 0 && received < size) {
    const missing = parts.missing();
    const which =
      missing.length === 1 ? `part ${missing[0]} is` : `parts ${missing.join(', ')} are`;
    return importFailure(
      IMPORT_ERROR_CODES.INCOMPLETE_EXPORT,
      `This Google Authenticator export has ${received} of ${size} parts; ${which} missing. Add every QR code of the export. Nothing was imported.`,
      'google-authenticator',
    );
  }
  const source: ImportSource = received > 0 && !sawUri ? 'google-authenticator' : 'otpauth-list';
  return importSuccess(source, accounts, unsupported);
}
