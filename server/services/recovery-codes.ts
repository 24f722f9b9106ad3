import { generateRecoveryCodes, normalizeRecoveryCode } from '../../sdk/otp/index.ts';
import { type Random, sha256 } from '../crypto/tokens.ts';

/**
 * Recovery codes come from sdk/otp (>= 112 bits each), so one SHA-256 per code is an acceptable
 * hash (ASVS 4.0.3 V2.6.2); the user id is mixed in so equal codes of two users never share a hash.
 */
function hashRecoveryCode(userId: number, normalized: string): string {
  return sha256(`recovery:${userId}:${normalized}`);
}

/**
 * The hash of what a person typed, in any case and with or without separators, or null when it
 * cannot be a recovery code.
 */
export function hashTypedRecoveryCode(userId: number, typed: string): string | null {
  let normalized: string | null;
  try {
    normalized = normalizeRecoveryCode(typed);
  } catch {
    return null;
  }
  return normalized ? hashRecoveryCode(userId, normalized) : null;
}

/**
 * A fresh set of codes to show once, and their hashes to store.
 *
 * @example const { codes, hashes } = newRecoveryCodes(user.id, 10, cryptoRandom);
 */
export function newRecoveryCodes(
  userId: number,
  count: number,
  random: Random,
): { codes: string[]; hashes: string[] } {
  const codes = generateRecoveryCodes(count, (bytes) => bytes.set(random(bytes.length)));
  const hashes = codes.map((code) => {
    const hash = hashTypedRecoveryCode(userId, code);
    if (!hash) throw new Error('sdk/otp produced a recovery code it cannot normalise');
    return hash;
  });
  return { codes, hashes };
}
