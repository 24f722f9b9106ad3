import { checkAccount } from './account.ts';
import { OtpError } from './errors.ts';
import type { HmacKey } from './hmac.ts';
import type { OtpAccount } from './types.ts';

// Date's own range; keeps every step a safe integer.
const MAX_TIME = 8.64e15;

/** The code of a checked account at one counter value (RFC 4226 §5.3). */
export function codeAt(key: HmacKey, account: OtpAccount, counter: number): string {
  // The counter as 8 big-endian bytes; it is a safe integer, so the high half is exact.
  const message = new Uint8Array(8);
  const view = new DataView(message.buffer);
  view.setUint32(0, Math.floor(counter / 2 ** 32));
  view.setUint32(4, counter >>> 0);
  const mac = key.mac(account.algorithm, message);
  // Dynamic truncation: 31 bits read at the offset the last nibble names.
  const offset = (mac[mac.length - 1] as number) & 0x0f;
  const binary = new DataView(mac.buffer, mac.byteOffset).getUint32(offset) & 0x7fffffff;
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
