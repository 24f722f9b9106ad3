/**
 * Wrapping the vault key for the app lock: AES-256-GCM key wrap of its raw bytes under a
 * key-encryption key (KEK) from the passphrase (the backup's PBKDF2 rules, `passphrase-kdf.ts`)
 * or from a passkey's WebAuthn PRF output (HKDF-SHA256, RFC 5869). Each wrapping binds what it is
 * as additional data, so a passkey wrapping cannot be offered as a passphrase one.
 */
import { derivePassphraseKey, PBKDF2_ITERATIONS } from '../backup/passphrase-kdf.ts';
import type { KeyWrapping, PassphraseWrapping } from '../vault/vault-db.ts';

/** Which secret a wrapping is under. */
export type WrapKind = 'passphrase' | 'passkey';

const encoder = new TextEncoder();
const aad = (kind: WrapKind) => encoder.encode(`mfa-companion/vault-key/v1/${kind}`);
const AES = { name: 'AES-GCM', length: 256 } as const;

/**
 * A new vault key, extractable so it can be wrapped; used as is only to re-seal the records once
 * and to wrap it, then replaced by its non-extractable unwrapping (see {@link unwrapVaultKey}).
 */
export function newWrappableKey(): Promise<CryptoKey> {
  return crypto.subtle.generateKey(AES, true, ['encrypt', 'decrypt']);
}

/** The KEK of a passphrase: PBKDF2-SHA256, like a backup file. */
export function passphraseKek(
  passphrase: string,
  salt: Uint8Array,
  iterations: number,
): Promise<CryptoKey> {
  return derivePassphraseKey(passphrase, new Uint8Array(salt), iterations, [
    'wrapKey',
    'unwrapKey',
  ]);
}

/**
 * The KEK of a passkey: HKDF-SHA256 of its PRF output (32 bytes from the authenticator).
 *
 * @see RFC 5869
 */
export async function passkeyKek(prfOutput: BufferSource, salt: Uint8Array): Promise<CryptoKey> {
  const material = await crypto.subtle.importKey('raw', prfOutput, 'HKDF', false, ['deriveKey']);
  return crypto.subtle.deriveKey(
    { name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(salt), info: aad('passkey') },
    material,
    AES,
    false,
    ['wrapKey', 'unwrapKey'],
  );
}

/** Wraps the (extractable) vault key under `kek`, with a fresh nonce. */
export async function wrapVaultKey(
  vaultKey: CryptoKey,
  kek: CryptoKey,
  kind: WrapKind,
): Promise<KeyWrapping> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const wrapped = await crypto.subtle.wrapKey('raw', vaultKey, kek, {
    name: 'AES-GCM',
    iv,
    additionalData: aad(kind),
  });
  return { iv, wrapped };
}

/**
 * Unwraps the vault key; null when `kek` is not the one it was wrapped under (a wrong
 * passphrase) or the bytes were changed: an expected failure, not an exception.
 *
 * @param extractable true only to wrap it again at once (a passphrase change, a passkey added);
 *   the key kept in memory is unwrapped non-extractable
 */
export async function unwrapVaultKey(
  wrapping: KeyWrapping,
  kek: CryptoKey,
  kind: WrapKind,
  extractable = false,
): Promise<CryptoKey | null> {
  try {
    return await crypto.subtle.unwrapKey(
      'raw',
      wrapping.wrapped,
      kek,
      { name: 'AES-GCM', iv: new Uint8Array(wrapping.iv), additionalData: aad(kind) },
      AES,
      extractable,
      ['encrypt', 'decrypt'],
    );
  } catch {
    return null;
  }
}

/**
 * Wraps `vaultKey` under a passphrase with a fresh salt.
 *
 * @param iterations PBKDF2 rounds; tests pass fewer, the app the backup's figure
 */
export async function wrapUnderPassphrase(
  vaultKey: CryptoKey,
  passphrase: string,
  iterations = PBKDF2_ITERATIONS,
): Promise<{ wrapping: PassphraseWrapping; kek: CryptoKey }> {
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const kek = await passphraseKek(passphrase, salt, iterations);
  return {
    wrapping: { ...(await wrapVaultKey(vaultKey, kek, 'passphrase')), salt, iterations },
    kek,
  };
}

/** Unwraps the vault key with a passphrase; null when it is the wrong one. */
export async function unwrapWithPassphrase(
  wrapping: PassphraseWrapping,
  passphrase: string,
  extractable = false,
): Promise<CryptoKey | null> {
  const kek = await passphraseKek(passphrase, wrapping.salt, wrapping.iterations);
  return unwrapVaultKey(wrapping, kek, 'passphrase', extractable);
}
