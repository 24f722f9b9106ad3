import { createMfaClient, MfaApiError } from '../../../sdk/client/index.ts';

/** The pages' one API client: same origin, the HttpOnly session cookie rides along. */
export const client = createMfaClient();

/** Minutes and seconds, `75` → `1:15`. */
function minutesSeconds(seconds: number): string {
  const s = Math.max(0, Math.ceil(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/**
 * What to tell a person about a failed call: plain words for the codes they can meet on these
 * pages, the server's own message otherwise. `recovery`: the code sent was a recovery code.
 *
 * @example errorText(error) // 'Wrong username or password.'
 */
export function errorText(error: unknown, { recovery = false } = {}): string {
  if (!(error instanceof MfaApiError)) return 'Something went wrong. Please try again.';
  const wait =
    error.retryAfter === undefined ? '' : ` Try again in ${minutesSeconds(error.retryAfter)}.`;
  switch (error.code) {
    case 'INVALID_CREDENTIALS':
      return 'Wrong username or password.';
    case 'LOGIN_LOCKED':
      return `Too many wrong passwords for this username: sign-in is locked for now.${wait}`;
    case 'MFA_LOCKED':
      return `Too many wrong codes: MFA for this account is locked for now.${wait}`;
    case 'RATE_LIMITED':
      return `Too many attempts from this device.${wait}`;
    case 'INVALID_CODE':
      return recovery
        ? 'That recovery code is not right. Check it against the codes you saved.'
        : 'That code is not right. Check your authenticator app and try again.';
    case 'CHALLENGE_EXPIRED':
      return 'This sign-in has expired. Please sign in again.';
    case 'POLICY_REQUIRES_MFA':
      return 'Your company requires MFA for password sign-ins, so it cannot be disabled.';
    case 'UNAUTHENTICATED':
      return 'Your session has ended. Please sign in again.';
    case 'NETWORK_ERROR':
      return 'The server could not be reached. Check your connection and try again.';
    default:
      return error.message;
  }
}

/** True when the error means the session is gone, so the page should go to the login. */
export function sessionEnded(error: unknown): boolean {
  return error instanceof MfaApiError && error.code === 'UNAUTHENTICATED';
}

/** Sends the person to the login, coming back here afterwards. */
export function toLogin(): void {
  location.assign(`/login?next=${encodeURIComponent(location.pathname + location.search)}`);
}
