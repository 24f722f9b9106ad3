/**
 * sdk/otp — the OTP toolkit the PWA, the server and the SDK share (documented in sdk/otp/README.md).
 * Isomorphic and synchronous: Web Crypto randomness, @noble/hashes for HMAC, no Node built-ins.
 */

export {
  decodeMigrationPayload,
  decodeMigrationUri,
  type MigrationPayload,
} from './decode-migration-uri.ts';
export { type EncodeMigrationOptions, encodeMigrationUris } from './encode-migration-uris.ts';
export { OTP_ERROR_CODES, OtpError, type OtpErrorCode } from './errors.ts';
export { formatKeyUri } from './format-key-uri.ts';
export { generateCode } from './generate-code.ts';
export {
  collectMigrationParts,
  type MigrationPartResult,
  type MigrationParts,
} from './migration-parts.ts';
export { parseKeyUri } from './parse-key-uri.ts';
export {
  formatRecoveryCode,
  generateRecoveryCodes,
  normalizeRecoveryCode,
} from './recovery-codes.ts';
export {
  forgetSecretKeys,
  generateSecret,
  normalizeSecret,
  type RandomSource,
} from './secret.ts';
export { ALGORITHMS, type Algorithm, LIMITS, type OtpAccount } from './types.ts';
export { type VerifyOptions, type VerifyResult, verifyCode } from './verify-code.ts';
