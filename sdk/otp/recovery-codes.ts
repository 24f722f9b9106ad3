import { OtpError } from './errors.ts';
import { defaultRandom, type RandomSource } from './secret.ts';

/** Crockford base32: no I, L, O or U, so codes survive being read aloud or copied by hand. */
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
/** 25 symbols × 5 bits = 125 bits, above the 112 bits ASVS 2.6 asks of codes stored as SHA-256. */
const LENGTH = 25;
const GROUP = 5;
const MAX_INPUT = 100;

/**
 * Makes one-time recovery codes: 25 Crockford base32 characters (125 random bits), shown as
 * five groups of five (`7K3QF-…`). Store only a hash of {@link normalizeRecoveryCode}'s output.
 *
 * @param count How many codes, 1–100 (default 10).
 * @param random Source of random bytes; tests may pass a fixed one.
 * @returns Codes in display form.
 * @throws {OtpError} INVALID_ARGUMENT for another count.
 * @example
 * const codes = generateRecoveryCodes(); // ['7K3QF-0ZC9M-…', …] (10 codes)
 */
export function generateRecoveryCodes(count = 10, random: RandomSource = defaultRandom): string[] {
  if (!Number.isInteger(count) || count < 1 || count > 100) {
    throw new OtpError('INVALID_ARGUMENT', 'The number of recovery codes must be from 1 to 100.');
  }
  return Array.from({ length: count }, () => {
    const bytes = new Uint8Array(LENGTH);
    random(bytes);
    // 256 is a multiple of 32, so the low five bits of a uniform byte are uniform.
    let code = '';
    for (const b of bytes) code += CROCKFORD[b & 31];
    return formatRecoveryCode(code);
  });
}

/**
 * The canonical form of a typed recovery code, for hashing and comparing: upper case, without
 * spaces or dashes, with Crockford's look-alikes mapped (I and L to 1, O to 0).
 *
 * @param input What the person typed or pasted.
 * @returns 25 Crockford characters, or null when the input cannot be a recovery code (so a
 *   6–8 digit TOTP code is never mistaken for one).
 * @example
 * normalizeRecoveryCode(' 7k3qf-ozc9m-… '); // '7K3QF0ZC9M…'
 */
export function normalizeRecoveryCode(input: string): string | null {
  if (typeof input !== 'string' || input.length > MAX_INPUT) return null;
  const code = input
    .toUpperCase()
    .replace(/[\s-]+/g, '')
    .replace(/[IL]/g, '1')
    .replace(/O/g, '0');
  return code.length === LENGTH && [...code].every((c) => CROCKFORD.includes(c)) ? code : null;
}

/**
 * Formats a recovery code for display: five groups of five separated by `-`.
 *
 * @param code A code in any form {@link normalizeRecoveryCode} accepts.
 * @returns The display form.
 * @throws {OtpError} INVALID_ARGUMENT when it is not a recovery code.
 * @example
 * formatRecoveryCode('7K3QF0ZC9MXXXXXXXXXXXXXXX'); // '7K3QF-0ZC9M-XXXXX-XXXXX-XXXXX'
 */
export function formatRecoveryCode(code: string): string {
  const normalized = normalizeRecoveryCode(code);
  if (normalized === null) throw new OtpError('INVALID_ARGUMENT', 'This is not a recovery code.');
  const groups: string[] = [];
  for (let i = 0; i < LENGTH; i += GROUP) groups.push(normalized.slice(i, i + GROUP));
  return groups.join('-');
}
