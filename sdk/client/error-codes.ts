/**
 * The stable error codes of the MFA Companion HTTP API, shared by the server (which throws them)
 * and the typed client (which switches on them). Every error answer is
 * `{ "error": { "code": ErrorCode, "message": "human text" } }`.
 *
 * @example
 * import { ErrorCode } from '../../sdk/client/error-codes.ts';
 * if (body.error.code === ErrorCode.CHALLENGE_EXPIRED) restartLogin();
 */
export const ErrorCode = {
  /** Unknown user or wrong password: one answer for both (401). */
  INVALID_CREDENTIALS: 'INVALID_CREDENTIALS',
  /** The TOTP or recovery code was wrong or out of the ±1 step window (401). */
  INVALID_CODE: 'INVALID_CODE',
  /** A correct code that was accepted already (a replay): wait for the next one; not counted as a guess (401). */
  CODE_ALREADY_USED: 'CODE_ALREADY_USED',
  /** The login challenge succeeded already, expired, took 5 wrong codes, or is unknown to this client (410). */
  CHALLENGE_EXPIRED: 'CHALLENGE_EXPIRED',
  /** Too many wrong codes for this user: the second factor is locked; see `Retry-After` (429). */
  MFA_LOCKED: 'MFA_LOCKED',
  /** Too many wrong passwords for this user: password login is locked; see `Retry-After` (429). */
  LOGIN_LOCKED: 'LOGIN_LOCKED',
  /** Too many requests from this address to this route; see `Retry-After` (429). */
  RATE_LIMITED: 'RATE_LIMITED',
  /** No valid session (401). */
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  /** The session's user lacks the admin role (403). */
  FORBIDDEN: 'FORBIDDEN',
  /** A state-changing browser request without a same-origin `Origin` (403). */
  CSRF_FAILED: 'CSRF_FAILED',
  /** The company policy requires MFA for this user, so it cannot be disabled (403). */
  POLICY_REQUIRES_MFA: 'POLICY_REQUIRES_MFA',
  /** MFA is already enabled; disable it first to set up a new secret (409). */
  MFA_ALREADY_ENABLED: 'MFA_ALREADY_ENABLED',
  /** The action needs an enabled second factor (409). */
  MFA_NOT_ENABLED: 'MFA_NOT_ENABLED',
  /** Enable was called without a pending set-up, or the set-up expired after 10 minutes (409). */
  ENROLMENT_NOT_STARTED: 'ENROLMENT_NOT_STARTED',
  /** No user with this id (404). */
  USER_NOT_FOUND: 'USER_NOT_FOUND',
  /** The request body, query or path failed validation (400). */
  VALIDATION_FAILED: 'VALIDATION_FAILED',
  /** The request body is not valid JSON (400). */
  MALFORMED_JSON: 'MALFORMED_JSON',
  /** The request body exceeds the size cap (413). */
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  /** The body's Content-Type is not application/json (415). */
  UNSUPPORTED_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  /** SSO sign-in was asked for, but no SAML identity provider is configured (404). */
  SSO_NOT_CONFIGURED: 'SSO_NOT_CONFIGURED',
  /** The SAML response was refused (signature, audience, time, replay, unknown or password user…); the message says which (401). */
  SSO_REFUSED: 'SSO_REFUSED',
  /** The account signs in with SSO and has no password: use "Sign in with SSO" (401). */
  SSO_REQUIRED: 'SSO_REQUIRED',
  /** No such route (404). */
  NOT_FOUND: 'NOT_FOUND',
  /** The path exists but not with this method; `Allow` lists the ones it answers (405). */
  METHOD_NOT_ALLOWED: 'METHOD_NOT_ALLOWED',
  /** The `Host` is not one of the server's names (PUBLIC_ORIGIN, ALLOWED_HOSTS, localhost, an IP) (421). */
  HOST_NOT_ALLOWED: 'HOST_NOT_ALLOWED',
  /** The database is unreachable or dropped the connection (a restart); nothing was done, retry shortly (503). */
  STORE_UNAVAILABLE: 'STORE_UNAVAILABLE',
  /** Anything unexpected; details go to the server log only (500). */
  INTERNAL: 'INTERNAL',
} as const;

/** One of the API's error codes. */
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** The JSON body of every error answer. */
export interface ApiErrorBody {
  error: { code: ErrorCode; message: string };
}
