import { OtpError } from './errors.ts';
import type { HmacKey } from './hmac.ts';
import { secretKey } from './secret.ts';
import { ALGORITHMS, type Algorithm, LIMITS, type OtpAccount } from './types.ts';

/**
 * Reads an algorithm name in any case, with or without a dash (`sha256`, `SHA-256`).
 * @throws {OtpError} UNSUPPORTED_ALGORITHM.
 */
export function toAlgorithm(name: string): Algorithm {
  const upper = name.toUpperCase().replace('-', '');
  const found = ALGORITHMS.find((a) => a === upper);
  if (found === undefined) {
    throw new OtpError(
      'UNSUPPORTED_ALGORITHM',
      'This algorithm is not supported: use SHA1, SHA256 or SHA512.',
    );
  }
  return found;
}

export function checkDigits(digits: unknown): asserts digits is number {
  if (
    typeof digits !== 'number' ||
    !Number.isInteger(digits) ||
    digits < LIMITS.minDigits ||
    digits > LIMITS.maxDigits
  ) {
    throw new OtpError('INVALID_DIGITS', 'Codes must have 6, 7 or 8 digits.');
  }
}

export function checkPeriod(period: unknown): asserts period is number {
  if (
    typeof period !== 'number' ||
    !Number.isInteger(period) ||
    period < LIMITS.minPeriod ||
    period > LIMITS.maxPeriod
  ) {
    throw new OtpError(
      'INVALID_PERIOD',
      'The code period must be a whole number of seconds from 1 to 300.',
    );
  }
}

export function checkCounter(counter: unknown): asserts counter is number {
  if (typeof counter !== 'number' || !Number.isSafeInteger(counter) || counter < 0) {
    throw new OtpError(
      'INVALID_COUNTER',
      'A counter-based (HOTP) account needs a counter: a whole number from 0.',
    );
  }
}

function checkText(value: unknown, what: string): void {
  if (typeof value !== 'string') throw new OtpError('INVALID_LABEL', `The ${what} must be text.`);
}

/**
 * Checks every field of an account that did not come from our own parser (callers' objects,
 * database rows). Decodes and caches the secret on the way.
 * @throws {OtpError} with the code of the first field that is wrong.
 */
export function assertAccount(account: unknown): asserts account is OtpAccount {
  checkAccount(account);
}

/** {@link assertAccount} that also returns the decoded key, so hot paths look it up once. */
export function checkAccount(account: unknown): HmacKey {
  if (typeof account !== 'object' || account === null) {
    throw new OtpError('INVALID_ARGUMENT', 'An account is required.');
  }
  const a = account as Partial<Record<keyof OtpAccount, unknown>>;
  if (a.type !== 'totp' && a.type !== 'hotp') {
    throw new OtpError('UNSUPPORTED_TYPE', 'The account type must be totp or hotp.');
  }
  if (typeof a.secret !== 'string')
    throw new OtpError('MISSING_SECRET', 'The secret key is missing.');
  const key = secretKey(a.secret);
  if (a.algorithm !== 'SHA1' && a.algorithm !== 'SHA256' && a.algorithm !== 'SHA512') {
    throw new OtpError(
      'UNSUPPORTED_ALGORITHM',
      'This algorithm is not supported: use SHA1, SHA256 or SHA512.',
    );
  }
  checkDigits(a.digits);
  checkPeriod(a.period);
  if (a.type === 'hotp') checkCounter(a.counter);
  checkText(a.label, 'account name');
  if (a.issuer !== undefined) checkText(a.issuer, 'issuer');
  return key;
}
