/**
 * Every failure `sdk/otp` reports, as a stable UPPER_SNAKE code. Server and PWA switch on the
 * code; the message is for people and never contains a secret, a code or the raw input.
 */
export const OTP_ERROR_CODES = {
  /** Not an `otpauth://` URI, a malformed one (bad percent-encoding, repeated parameter). */
  INVALID_URI: 'INVALID_URI',
  /** An `otpauth://` URI longer than 4 KiB. */
  URI_TOO_LONG: 'URI_TOO_LONG',
  /** A type other than `totp` or `hotp`. */
  UNSUPPORTED_TYPE: 'UNSUPPORTED_TYPE',
  /** No secret, or an empty one. */
  MISSING_SECRET: 'MISSING_SECRET',
  /** A secret that is not base32. */
  INVALID_SECRET: 'INVALID_SECRET',
  /** A secret shorter than 10 bytes (16 base32 characters). */
  SECRET_TOO_SHORT: 'SECRET_TOO_SHORT',
  /** A secret longer than 128 bytes. */
  SECRET_TOO_LONG: 'SECRET_TOO_LONG',
  /** An algorithm other than SHA1, SHA256 or SHA512. */
  UNSUPPORTED_ALGORITHM: 'UNSUPPORTED_ALGORITHM',
  /** Digits not an integer from 6 to 8. */
  INVALID_DIGITS: 'INVALID_DIGITS',
  /** Period not an integer from 1 to 300 seconds. */
  INVALID_PERIOD: 'INVALID_PERIOD',
  /** HOTP without a counter, or one that is not a non-negative safe integer. */
  INVALID_COUNTER: 'INVALID_COUNTER',
  /** A label or issuer that is not text (or not well-formed Unicode). */
  INVALID_LABEL: 'INVALID_LABEL',
  /** A malformed Google Authenticator export (URI, base64 or protobuf). */
  INVALID_MIGRATION: 'INVALID_MIGRATION',
  /** A migration URI longer than 64 KiB. */
  MIGRATION_TOO_LONG: 'MIGRATION_TOO_LONG',
  /** A well-formed export with no account that can be used. */
  MIGRATION_EMPTY: 'MIGRATION_EMPTY',
  /** An account the export format cannot carry (period other than 30 s, 7 digits). */
  UNEXPORTABLE_ACCOUNT: 'UNEXPORTABLE_ACCOUNT',
  /** Any other argument out of range (time, count, batch size). */
  INVALID_ARGUMENT: 'INVALID_ARGUMENT',
} as const;

export type OtpErrorCode = (typeof OTP_ERROR_CODES)[keyof typeof OTP_ERROR_CODES];

/**
 * The one error type of `sdk/otp`: `code` is stable, `message` can be shown to a user.
 *
 * @example
 * try {
 *   parseKeyUri(input);
 * } catch (error) {
 *   if (error instanceof OtpError && error.code === 'INVALID_SECRET') showHint(error.message);
 *   else throw error;
 * }
 */
export class OtpError extends Error {
  readonly code: OtpErrorCode;

  constructor(code: OtpErrorCode, message: string) {
    super(message);
    this.name = 'OtpError';
    this.code = code;
  }
}
