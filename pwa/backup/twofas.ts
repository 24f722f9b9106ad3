import type { OtpAccount } from '../../sdk/otp/index.ts';
import { fromBase64 } from './bytes.ts';
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
 * 2FAS backup files (`.2fas`), schema version 4 and later: JSON with `schemaVersion` and either
 * `services` (plain) or `servicesEncrypted` = `base64(ciphertext ‖ tag):base64(salt):base64(iv)`,
 * AES-256-GCM under PBKDF2-HMAC-SHA256(password, salt, 10 000 iterations) → 32 bytes, whose
 * plaintext is the `services` array. Each service has `name`, `secret`, `otp` (`account`,
 * `issuer`, `digits`, `period`, `algorithm`, `counter`, `tokenType`) and `order.position`.
 */

const MIN_SCHEMA = 4;
const PBKDF2_ITERATIONS = 10_000;

/** True for a parsed JSON value shaped like a 2FAS backup (any schema version). */
export function isTwoFasBackup(json: unknown): boolean {
  return (
    isObject(json) &&
    (Array.isArray(json.services) || typeof json.servicesEncrypted === 'string') &&
    ('schemaVersion' in json || 'servicesEncrypted' in json)
  );
}

/** True when the backup is encrypted, so a password is needed. */
export function isTwoFasEncrypted(json: unknown): boolean {
  return isObject(json) && typeof json.servicesEncrypted === 'string';
}

const damaged = (what: string) =>
  importFailure(
    IMPORT_ERROR_CODES.DAMAGED,
    `This 2FAS backup is damaged or incomplete (${what}). Nothing was imported.`,
    '2fas',
  );

/**
 * Reads a parsed 2FAS backup, decrypting it with `password` when it is encrypted.
 *
 * @example const result = await readTwoFas(JSON.parse(text), password);
 */
export async function readTwoFas(json: unknown, password = ''): Promise<ImportResult> {
  if (!isObject(json) || !isTwoFasBackup(json)) {
    return importFailure(IMPORT_ERROR_CODES.UNRECOGNISED_FILE, 'This is not a 2FAS backup.');
  }
  const schema = json.schemaVersion;
  if (typeof schema !== 'number' || schema < MIN_SCHEMA) {
    return importFailure(
      IMPORT_ERROR_CODES.UNKNOWN_VERSION,
      `This 2FAS backup uses an old file version (${String(schema)}); this app reads version ${MIN_SCHEMA} and later. Update 2FAS and export again.`,
      '2fas',
    );
  }
  let services: unknown = json.services;
  if (typeof json.servicesEncrypted === 'string') {
    const opened = await decryptServices(json.servicesEncrypted, password);
    if (!opened.ok) return opened.failure;
    services = opened.services;
  }
  if (!Array.isArray(services)) return damaged('no service list');
  return readServices(services);
}

async function decryptServices(
  encrypted: string,
  password: string,
): Promise<{ ok: true; services: unknown } | { ok: false; failure: ImportResult }> {
  const fail = (failure: ImportResult) => ({ ok: false as const, failure });
  const parts = encrypted.split(':');
  const [sealed, salt, iv] = parts.map(fromBase64);
  if (parts.length !== 3 || !sealed || sealed.length < 16 || !salt || !iv || iv.length !== 12) {
    return fail(damaged('the encrypted services are not in the expected form'));
  }
  if (password === '') {
    return fail(
      importFailure(
        IMPORT_ERROR_CODES.PASSPHRASE_REQUIRED,
        'Enter the password of this 2FAS backup.',
        '2fas',
      ),
    );
  }
  const material = await crypto.subtle.importKey(
    'raw',
    new TextEncoder().encode(password),
    'PBKDF2',
    false,
    ['deriveKey'],
  );
  const key = await crypto.subtle.deriveKey(
    { name: 'PBKDF2', hash: 'SHA-256', salt, iterations: PBKDF2_ITERATIONS },
    material,
    { name: 'AES-GCM', length: 256 },
    false,
    ['decrypt'],
  );
  let plain: ArrayBuffer;
  try {
    plain = await crypto.subtle.decrypt({ name: 'AES-GCM', iv }, key, sealed);
  } catch {
    return fail(
      importFailure(
        IMPORT_ERROR_CODES.WRONG_PASSPHRASE,
        'The password does not open this 2FAS backup (or the file was changed). Nothing was imported.',
        '2fas',
      ),
    );
  }
  try {
    return {
      ok: true,
      services: JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(plain)),
    };
  } catch {
    return fail(damaged('the decrypted services are not readable'));
  }
}

function position(service: unknown, fallback: number): number {
  if (!isObject(service) || !isObject(service.order)) return fallback;
  const p = service.order.position;
  return typeof p === 'number' && Number.isFinite(p) ? p : fallback;
}

function text(value: unknown): string {
  return typeof value === 'string' ? value.trim() : '';
}

function readServices(services: unknown[]): ImportResult {
  // 2FAS keeps list order in order.position, not in array order; ties keep array order.
  const ordered = services
    .map((service, i) => ({ service, i, at: position(service, i) }))
    .sort((a, b) => a.at - b.at || a.i - b.i);
  const accounts: OtpAccount[] = [];
  const unsupported: UnsupportedEntry[] = [];
  for (const { service, i } of ordered) {
    if (!isObject(service)) {
      unsupported.push({ name: `Service ${i + 1}`, reason: 'This entry is not an account.' });
      continue;
    }
    const otp = isObject(service.otp) ? service.otp : {};
    const issuer = text(otp.issuer) || text(service.name);
    const label = text(otp.account) || text(otp.label) || issuer;
    const name = entryName(issuer, label, `Service ${i + 1}`);
    const tokenType = String(otp.tokenType ?? 'TOTP').toUpperCase();
    if (tokenType !== 'TOTP' && tokenType !== 'HOTP') {
      const kind = tokenType === 'STEAM' ? 'Steam' : `“${tokenType}”`;
      unsupported.push({ name, reason: `${kind} codes are not supported, only TOTP and HOTP.` });
      continue;
    }
    const type = tokenType === 'HOTP' ? 'hotp' : 'totp';
    const checked = checkImported({
      type,
      secret: service.secret as string,
      ...(issuer ? { issuer } : {}),
      label,
      algorithm: algorithmOf(otp.algorithm),
      digits: (otp.digits as number | undefined) ?? 6,
      period: (otp.period as number | undefined) ?? 30,
      ...(type === 'hotp' ? { counter: (otp.counter as number | undefined) ?? 0 } : {}),
    });
    if (checked.ok) accounts.push(checked.account);
    else unsupported.push({ name, reason: checked.reason });
  }
  return importSuccess('2fas', accounts, unsupported);
}
