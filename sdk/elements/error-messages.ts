import type { MfaApiError } from '../client/index.ts';

/** Words for the error codes a person can meet in these elements; others show the server's text. */
const MESSAGES: Record<string, string> = {
  INVALID_CODE: 'That code is not right. Check your authenticator app and try again.',
  CHALLENGE_EXPIRED: 'This sign-in has expired. Please sign in again.',
  NETWORK_ERROR: 'The server could not be reached. Check your connection and try again.',
  UNAUTHENTICATED: 'Your session has ended. Please sign in again.',
  ENROLMENT_NOT_STARTED: 'This set-up has expired. Start again to get a new key.',
  MFA_ALREADY_ENABLED: 'MFA is already on for this account.',
  CODE_ALREADY_USED: 'This code was already used: wait for the next one.',
  RECOVERY_CODE_ALREADY_USED: 'This recovery code was already used.',
  STORE_UNAVAILABLE: 'The service is busy for a moment. Please try again.',
};

/** A wrong recovery code: the authenticator app has nothing to do with it. */
export const WRONG_RECOVERY_CODE =
  'That recovery code is not right. Check it against the codes you saved and try again.';

/**
 * The message an element shows for an API error: our wording for known codes, else the server's.
 * `recovery`: the code sent was a recovery code, so a wrong one is spoken of as such.
 *
 * @example messageFor(error) // 'That code is not right. …'
 */
export function messageFor(
  error: Pick<MfaApiError, 'code' | 'message' | 'status'>,
  { recovery = false } = {},
): string {
  if (error.status === 429) return 'Too many attempts. Please wait before trying again.';
  if (recovery && error.code === 'INVALID_CODE') return WRONG_RECOVERY_CODE;
  return MESSAGES[error.code] ?? error.message;
}

/**
 * Whether a typed code is sent as a recovery code: the server takes six digits (spaces aside)
 * as a TOTP code and anything else as a recovery code.
 *
 * @example isRecoveryCode('ABCD-EFGH') // true
 */
export const isRecoveryCode = (typed: string): boolean =>
  !/^\d{6}$/.test(typed.replace(/\s+/g, ''));

/** Codes after which retrying on the same challenge or set-up cannot succeed. */
export const FINAL_CODES: ReadonlySet<string> = new Set([
  'CHALLENGE_EXPIRED',
  'UNAUTHENTICATED',
  'ENROLMENT_NOT_STARTED',
  'MFA_ALREADY_ENABLED',
]);

/**
 * Any rejection as an {@link MfaApiError}-shaped value, so render code has one case to handle.
 *
 * @example catch (e) { this.error = asApiError(e); }
 */
export function asApiError(
  error: unknown,
): Pick<MfaApiError, 'code' | 'message' | 'status' | 'retryAfter'> {
  if (error instanceof Error && 'code' in error && 'status' in error) return error as MfaApiError;
  return {
    code: 'UNEXPECTED_ERROR',
    message: 'Something went wrong. Please try again.',
    status: 0,
    retryAfter: undefined,
  };
}
