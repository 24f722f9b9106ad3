import type { ErrorCode } from '../sdk/client/error-codes.ts';

/**
 * An expected failure of a request, thrown by any layer: a stable code from `ErrorCode` and a
 * message safe to show (never a secret, code, password or hash). It carries no HTTP status: the
 * one error handler (`http/api-error.ts`) gives each code its status, so the domain does not
 * speak HTTP.
 *
 * @example throw new AppError(ErrorCode.CHALLENGE_EXPIRED, 'Start the login again.');
 * @example throw new AppError(ErrorCode.MFA_LOCKED, 'Try again later.', lockedUntil - now);
 */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** How long the client should wait before trying again (sent as `Retry-After`, in seconds). */
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}
