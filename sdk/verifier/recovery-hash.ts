import { createHash } from 'node:crypto';
import { generateRecoveryCodes, normalizeRecoveryCode } from '../otp/index.ts';
import type { RandomSource } from '../otp/secret.ts';

/**
 * Recovery codes come from sdk/otp (>= 112 bits each), so one SHA-256 per code is an acceptable
 * hash (ASVS 4.0.3 V2.6.2); the user id is mixed in so equal codes of two users never share a hash.
 */
const hashRecoveryCode = (userId: string | number, normalized: string): string =>
  createHash('sha256').update(`recovery:${userId}:${normalized}`).digest('hex');

/**
 * The hash of what a person typed, in any case and with or without separators, or null when it
 * cannot be a recovery code.
 *
 * @example const hash = hashTypedRecoveryCode('user-7', '7k3qf-0zc9m-…');
 */
export function hashTypedRecoveryCode(userId: string | number, typed: string): string | null {
  const normalized = normalizeRecoveryCode(typed);
  return normalized ? hashRecoveryCode(userId, normalized) : null;
}

/**
 * A fresh set of codes to show once, and their hashes to store.
 *
 * @example const { codes, hashes } = newRecoveryCodes('user-7', 10);
 */
export function newRecoveryCodes(
  userId: string | number,
  count: number,
  random?: RandomSource,
): { codes: string[]; hashes: string[] } {
  const codes = generateRecoveryCodes(count, random);
  const hashes = codes.map((code) => {
    const hash = hashTypedRecoveryCode(userId, code);
    if (!hash) throw new Error('sdk/otp produced a recovery code it cannot normalise');
    return hash;
  });
  return { codes, hashes };
}
