import { hmac } from '@noble/hashes/hmac.js';
import { sha1 } from '@noble/hashes/legacy.js';
import { sha256, sha512 } from '@noble/hashes/sha2.js';
import { checkAccount } from './account.ts';
import { OtpError } from './errors.ts';
import type { Algorithm, OtpAccount } from './types.ts';

// Only the three hashes authenticators use: the whole otpauth bundle (SHA-3 and SHA-224/384
// besides) made `mfa-companion/otp` 15 kB gzipped in a browser build, against 12 kB allowed.
const HASHES: Record<Algorithm, typeof sha1> = { SHA1: sha1, SHA256: sha256, SHA512: sha512 };

type KeyedMac = ReturnType<typeof hmac.create>;
// An HMAC keyed once per (key, algorithm), cloned for each code: keying hashes two blocks, so
// a verifier trying three steps does a third of the work. Keys are the cached byte arrays of
// secretKey(), so entries go when the secret leaves that cache.
const keyedMacs = new WeakMap<Uint8Array, Partial<Record<Algorithm, KeyedMac>>>();

function keyedMac(key: Uint8Array, algorithm: Algorithm): KeyedMac {
  let byAlgorithm = keyedMacs.get(key);
  if (!byAlgorithm) {
    byAlgorithm = {};
    keyedMacs.set(key, byAlgorithm);
  }
  byAlgorithm[algorithm] ??= hmac.create(HASHES[algorithm], key);
  return byAlgorithm[algorithm];
}

// Date's own range; keeps every step a safe integer.
const MAX_TIME = 8.64e15;

/**
 * The code of a checked account at one counter value: HMAC of the 8-byte big-endian counter,
 * then dynamic truncation to `digits` decimal digits (RFC 4226 §5.3; RFC 6238 §1.2 for SHA-2).
 */
export function codeAt(key: Uint8Array, account: OtpAccount, counter: number): string {
  const message = new Uint8Array(8);
  const view = new DataView(message.buffer);
  // The counter is a safe integer: its high and low 32-bit words.
  view.setUint32(0, Math.floor(counter / 2 ** 32));
  view.setUint32(4, counter >>> 0);
  const digest = keyedMac(key, account.algorithm).clone().update(message).digest();
  const offset = (digest[digest.length - 1] ?? 0) & 0x0f;
  const binary =
    (((digest[offset] ?? 0) & 0x7f) << 24) |
    ((digest[offset + 1] ?? 0) << 16) |
    ((digest[offset + 2] ?? 0) << 8) |
    (digest[offset + 3] ?? 0);
  return String(binary % 10 ** account.digits).padStart(account.digits, '0');
}

/**
 * The TOTP time step containing `at`: floor(seconds since the epoch / period) (RFC 6238 §4.2).
 * @throws {OtpError} INVALID_ARGUMENT for a time before 1970, past Date's range, or not a number.
 */
export function timeStep(at: number, period: number): number {
  if (typeof at !== 'number' || !Number.isFinite(at) || at < 0 || at > MAX_TIME) {
    throw new OtpError('INVALID_ARGUMENT', 'The time must be milliseconds since 1970.');
  }
  // Integer division of integers: exact for every time Date can hold.
  return Math.floor(Math.floor(at) / (period * 1000));
}

/**
 * Generates the current code of an account: TOTP from the clock (RFC 6238), HOTP from
 * `account.counter` (RFC 4226).
 *
 * @param account A valid account (e.g. from {@link parseKeyUri}).
 * @param at Milliseconds since the epoch (default `Date.now()`); ignored for HOTP.
 * @returns The code, zero-padded to `account.digits`.
 * @throws {OtpError} when a field of the account is invalid or `at` is not a valid time.
 * @see RFC 6238, RFC 4226
 * @example
 * generateCode(account, Date.UTC(2030, 0, 1)); // e.g. '492039'
 */
export function generateCode(account: OtpAccount, at: number = Date.now()): string {
  const key = checkAccount(account);
  const counter =
    account.type === 'hotp' ? (account.counter as number) : timeStep(at, account.period);
  return codeAt(key, account, counter);
}
