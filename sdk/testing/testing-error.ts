/** Stable codes of {@link TestingError}. */
export const TestingErrorCodes = {
  /** The bytes are not a PNG, or it is truncated or corrupt. */
  INVALID_PNG: 'INVALID_PNG',
  /** A valid PNG this small decoder does not read (interlaced). */
  UNSUPPORTED_PNG: 'UNSUPPORTED_PNG',
  /** The bytes are not a JPEG, or it is truncated or corrupt. */
  INVALID_JPEG: 'INVALID_JPEG',
  /** A valid JPEG this small decoder does not read (progressive, lossless, arithmetic-coded). */
  UNSUPPORTED_JPEG: 'UNSUPPORTED_JPEG',
  /** The SVG holds no QR modules this reader understands. */
  INVALID_SVG: 'INVALID_SVG',
  /** No QR code could be read from the image. */
  NO_QR_FOUND: 'NO_QR_FOUND',
  /** `code()` was asked for an account the authenticator does not hold. */
  UNKNOWN_ACCOUNT: 'UNKNOWN_ACCOUNT',
} as const;

/** One of {@link TestingErrorCodes}. */
export type TestingErrorCode = (typeof TestingErrorCodes)[keyof typeof TestingErrorCodes];

/**
 * What the virtual authenticator throws when a test hands it something it cannot use.
 *
 * @example
 * expect(() => authenticator.code('nobody')).toThrow(expect.objectContaining({ code: 'UNKNOWN_ACCOUNT' }));
 */
export class TestingError extends Error {
  override readonly name = 'TestingError';
  readonly code: TestingErrorCode;

  constructor(code: TestingErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}
