import type { ClientErrorCode } from './client-error-codes.ts';
import type { ErrorCode } from './error-codes.ts';

/**
 * Code of an {@link MfaApiError}: one of the server's UPPER_SNAKE codes (`error-codes.ts`, e.g.
 * `INVALID_CODE`, `CHALLENGE_EXPIRED`), or a client code (`NETWORK_ERROR`, `INVALID_RESPONSE`).
 * Typed as string as well, so a newer server's codes still come through.
 */
export type MfaErrorCode = ErrorCode | ClientErrorCode | (string & {});

/** Fields of an {@link MfaApiError}. */
export interface MfaApiErrorInit {
  code: MfaErrorCode;
  message: string;
  /** HTTP status; 0 when no answer arrived. */
  status: number;
  /** Seconds to wait before retrying, from `Retry-After` (429 lockouts and rate limits, 503). */
  retryAfter?: number;
  cause?: unknown;
}

/**
 * The one error every client method throws: the server's `{ error: { code, message } }` with the
 * HTTP status, or a network failure (`code: 'NETWORK_ERROR'`, `status: 0`).
 *
 * @example
 * try { await client.loginMfa({ challengeId, code }); }
 * catch (e) {
 *   if (e instanceof MfaApiError && e.status === 429) wait(e.retryAfter);
 * }
 */
export class MfaApiError extends Error {
  override readonly name = 'MfaApiError';
  readonly code: MfaErrorCode;
  readonly status: number;
  readonly retryAfter: number | undefined;

  constructor({ code, message, status, retryAfter, cause }: MfaApiErrorInit) {
    super(message, cause === undefined ? undefined : { cause });
    this.code = code;
    this.status = status;
    this.retryAfter = retryAfter;
  }
}

/**
 * Reads `Retry-After` as whole seconds: either delay-seconds or an HTTP date (RFC 9110 §10.2.3).
 *
 * @param value - the header value, or null when absent
 * @param now - ms since epoch, for the date form
 * @returns seconds (at least 0), or undefined when absent or unreadable
 * @example parseRetryAfter('120') // 120
 */
export function parseRetryAfter(
  value: string | null,
  now: number = Date.now(),
): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  // An HTTP date always names a weekday or month; this keeps "-5" from parsing as year -5.
  const date = /[a-z]/i.test(trimmed) ? Date.parse(trimmed) : Number.NaN;
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, Math.ceil((date - now) / 1000));
}
