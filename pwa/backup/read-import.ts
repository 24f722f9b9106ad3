import { isAegisEncrypted, isAegisVault, readAegis } from './aegis.ts';
import { isBackupFile, readBackup } from './backup-format.ts';
import {
  IMPORT_ERROR_CODES,
  type ImportResult,
  type ImportSource,
  importFailure,
} from './import-result.ts';
import { isTwoFasBackup, isTwoFasEncrypted, readTwoFas } from './twofas.ts';
import { looksLikeUriList, readUriList } from './uri-list.ts';

/** Larger than any authenticator backup; refused before parsing. */
export const MAX_IMPORT_BYTES = 10 * 1024 * 1024;

/** What a file is, before any passphrase: enough to ask for one. */
export type ImportKind =
  | { ok: true; source: ImportSource; encrypted: boolean }
  | (ImportResult & { ok: false });

type Parsed = { json: unknown } | { text: string } | (ImportResult & { ok: false });

const UNRECOGNISED = importFailure(
  IMPORT_ERROR_CODES.UNRECOGNISED_FILE,
  'This file is not a backup this app can read. It reads MFA Companion backups, Aegis vaults (.json), 2FAS backups (.2fas), Google Authenticator exports and lists of otpauth:// links. Nothing was imported.',
);

function parse(text: string): Parsed {
  if (text.length > MAX_IMPORT_BYTES) {
    return importFailure(
      IMPORT_ERROR_CODES.TOO_LARGE,
      'This file is too large to be an authenticator backup (over 10 MB). Nothing was imported.',
    );
  }
  const trimmed = text.replace(/^\uFEFF/, '').trim();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      return { json: JSON.parse(trimmed) as unknown };
    } catch {
      // JSON that stops before its closing bracket is nearly always a cut-off copy.
      const closes = trimmed.endsWith('}') || trimmed.endsWith(']');
      return closes
        ? importFailure(
            IMPORT_ERROR_CODES.DAMAGED,
            'This file is damaged: it is not valid JSON. Nothing was imported.',
          )
        : importFailure(
            IMPORT_ERROR_CODES.TRUNCATED,
            'This file is incomplete: it ends too early, as if cut off while copying or downloading. Get the whole file again. Nothing was imported.',
          );
    }
  }
  return { text: trimmed };
}

/**
 * Says what a file is and whether it needs a passphrase, without decrypting anything.
 *
 * @example const kind = detectImport(text); if (kind.ok && kind.encrypted) askPassphrase();
 */
export function detectImport(text: string): ImportKind {
  const parsed = parse(text);
  if ('ok' in parsed) return parsed;
  if ('text' in parsed) {
    return looksLikeUriList(parsed.text)
      ? { ok: true, source: 'otpauth-list', encrypted: false }
      : UNRECOGNISED;
  }
  const { json } = parsed;
  if (isBackupFile(json)) return { ok: true, source: 'mfa-companion', encrypted: true };
  if (isAegisVault(json)) return { ok: true, source: 'aegis', encrypted: isAegisEncrypted(json) };
  if (isTwoFasBackup(json)) return { ok: true, source: '2fas', encrypted: isTwoFasEncrypted(json) };
  return UNRECOGNISED;
}

/**
 * Reads any supported file: the accounts in its order and the entries left out, or why
 * nothing can be imported. Encrypted kinds need `passphrase` (PASSPHRASE_REQUIRED without).
 *
 * @example const result = await readImport(await file.text(), passphrase);
 */
export async function readImport(text: string, passphrase = ''): Promise<ImportResult> {
  const parsed = parse(text);
  if ('ok' in parsed) return parsed;
  if ('text' in parsed)
    return looksLikeUriList(parsed.text) ? readUriList(parsed.text) : UNRECOGNISED;
  const { json } = parsed;
  if (isBackupFile(json)) return readBackup(json, passphrase);
  if (isAegisVault(json)) return readAegis(json, passphrase);
  if (isTwoFasBackup(json)) return readTwoFas(json, passphrase);
  return UNRECOGNISED;
}
