import { base32Decode, base32Encode } from './base32.ts';
import { OtpError } from './errors.ts';
import { HmacKey } from './hmac.ts';
import { LIMITS } from './types.ts';

/** Longer raw input is refused before any regular expression runs over it. */
const MAX_SECRET_INPUT = 1024;

/** Fills a buffer with cryptographically strong random bytes (injectable for tests). */
export type RandomSource = (bytes: Uint8Array) => void;

export const defaultRandom: RandomSource = (bytes) => {
  globalThis.crypto.getRandomValues(bytes);
};

function checkByteLength(length: number): void {
  if (length < LIMITS.minSecretBytes) {
    throw new OtpError(
      'SECRET_TOO_SHORT',
      `The secret key is too short: it must be at least ${LIMITS.minSecretBytes} bytes (16 characters).`,
    );
  }
  if (length > LIMITS.maxSecretBytes) {
    throw new OtpError(
      'SECRET_TOO_LONG',
      `The secret key is too long: it must be at most ${LIMITS.maxSecretBytes} bytes.`,
    );
  }
}

/** Cleans, checks and decodes a secret; returns canonical base32 and the key bytes. */
function decodeSecret(input: unknown): { canonical: string; bytes: Uint8Array } {
  if (typeof input !== 'string') {
    throw new OtpError('MISSING_SECRET', 'The secret key is missing.');
  }
  if (input.length > MAX_SECRET_INPUT) {
    throw new OtpError('SECRET_TOO_LONG', 'The secret key is too long.');
  }
  // Real-world keys come grouped ("abcd efgh" or "ABCD-EFGH"), in lower case, with padding.
  const cleaned = input
    .replace(/[\s-]+/g, '')
    .replace(/=+$/, '')
    .toUpperCase();
  if (cleaned.length === 0) throw new OtpError('MISSING_SECRET', 'The secret key is empty.');
  const bytes = base32Decode(cleaned);
  if (bytes === null) {
    throw new OtpError(
      'INVALID_SECRET',
      'The secret key is not valid: use only the letters A–Z and the digits 2–7.',
    );
  }
  checkByteLength(bytes.length);
  return { canonical: base32Encode(bytes), bytes };
}

/**
 * Returns the canonical form of a base32 secret key: upper case, no spaces, dashes or padding.
 * Bits past the last whole byte are dropped, so the result always re-encodes the same key.
 *
 * @param input A secret as a person or a QR code gives it.
 * @returns Canonical base32.
 * @throws {OtpError} MISSING_SECRET, INVALID_SECRET, SECRET_TOO_SHORT, SECRET_TOO_LONG.
 * @example
 * normalizeSecret('jbsw y3dp-ehpk 3pxp'); // 'JBSWY3DPEHPK3PXP'
 */
export function normalizeSecret(input: string): string {
  return decodeSecret(input).canonical;
}

/**
 * Makes a new random secret key, from `crypto.getRandomValues`.
 *
 * @param bytes Key length in bytes, 10–128 (default 20, the RFC 4226 recommendation for SHA1).
 * @param random Source of random bytes; tests may pass a fixed one.
 * @returns Canonical base32 (32 characters for 20 bytes).
 * @example
 * const secret = generateSecret(); // e.g. 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ'
 */
export function generateSecret(bytes = 20, random: RandomSource = defaultRandom): string {
  if (!Number.isInteger(bytes)) {
    throw new OtpError('INVALID_ARGUMENT', 'The secret length must be a whole number of bytes.');
  }
  checkByteLength(bytes);
  const buffer = new Uint8Array(bytes);
  random(buffer);
  return base32Encode(buffer);
}

// Verifiers check many codes against few secrets: decoding once per secret keeps
// generate/verify close to a bare HMAC. FIFO eviction bounds memory on a busy server.
const CACHE_LIMIT = 512;
const keyCache = new Map<string, HmacKey>();

/**
 * The decoded key of a secret, cached by the secret string (callers must not change its bytes).
 * @throws {OtpError} as {@link normalizeSecret}.
 */
export function secretKey(secret: string): HmacKey {
  const hit = keyCache.get(secret);
  if (hit !== undefined) return hit;
  const key = new HmacKey(decodeSecret(secret).bytes);
  if (keyCache.size >= CACHE_LIMIT) {
    const oldest = keyCache.keys().next();
    if (!oldest.done) keyCache.delete(oldest.value);
  }
  keyCache.set(secret, key);
  return key;
}

/**
 * Wipes and forgets every decoded key that {@link secretKey} cached, so no secret stays in this
 * module's memory (an app that locks calls it when it drops its accounts).
 *
 * @example forgetSecretKeys();
 */
export function forgetSecretKeys(): void {
  for (const key of keyCache.values()) key.wipe();
  keyCache.clear();
}

/** The key bytes of a base32 secret (checked like {@link normalizeSecret}). */
export function secretBytes(secret: string): Uint8Array {
  return decodeSecret(secret).bytes;
}
