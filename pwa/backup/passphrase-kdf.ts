/**
 * The one passphrase KDF of the app, shared by the backup file and the app lock so both follow
 * the same rules: PBKDF2-HMAC-SHA256 of the NFC-normalised UTF-8 passphrase, 256-bit AES-GCM key,
 * by Web Crypto (no KDF code ships).
 */

/** OWASP's 2023 figure for PBKDF2-HMAC-SHA256; fewer is refused when reading. */
export const PBKDF2_ITERATIONS = 600_000;

const encoder = new TextEncoder();

/**
 * Derives an AES-GCM key from a passphrase.
 *
 * @param usages `encrypt`/`decrypt` for a backup, `wrapKey`/`unwrapKey` for the app lock
 * @example const kek = await derivePassphraseKey(p, salt, PBKDF2_ITERATIONS, ['wrapKey', 'unwrapKey']);
 */
export async function derivePassphraseKey(
  passphrase: string,
  salt: Uint8Array<ArrayBuffer>,
  iterations: number,
  usages: KeyUsage[] = ['encrypt', 'decrypt'],
): Promise<CryptoKey> {
  const material = await crypto.subtle.importKey(
    'raw',
    encoder.encode(passphrase.normalize('NFC')),
    'PBKDF2',
    false,
    ['deriveKey'],
  );
  return crypto.subtle.deriveKey(
    { name: 'PBKDF2', hash: 'SHA-256', salt, iterations },
    material,
    { name: 'AES-GCM', length: 256 },
    false,
    usages,
  );
}
