/** The stable codes of {@link VerifierError}; the same names as the server's wire codes. */
export type VerifierErrorCode =
  | 'INVALID_ARGUMENT'
  | 'MFA_ALREADY_ENABLED'
  | 'ENROLMENT_NOT_STARTED'
  | 'MFA_NOT_ENABLED'
  | 'INVALID_CODE'
  | 'MFA_LOCKED'
  | 'SECRET_UNREADABLE'
  | 'DRIVER_MISSING'
  | 'VERIFIER_CLOSED';

/**
 * What the verifier throws for a call it cannot do: a stable `code` to branch on, a message
 * meant for people (never a secret or a hash), and for `MFA_LOCKED` the milliseconds to wait.
 *
 * @example
 * try { await verifier.confirm(id, code); }
 * catch (e) { if (e instanceof VerifierError && e.code === 'INVALID_CODE') … }
 */
export class VerifierError extends Error {
  override readonly name = 'VerifierError';
  constructor(
    readonly code: VerifierErrorCode,
    message: string,
    /** Milliseconds until another attempt can succeed (`MFA_LOCKED`). */
    readonly retryAfter?: number,
  ) {
    super(message);
  }
}
