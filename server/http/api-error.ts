import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { ErrorCode } from '../../sdk/client/error-codes.ts';
import { AppError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { StoreUnavailableError } from '../store/store-unavailable.ts';

/** The HTTP status of every error code: the one place the domain's errors meet HTTP. */
export const STATUS_OF: Record<ErrorCode, ContentfulStatusCode> = {
  INVALID_CREDENTIALS: 401,
  INVALID_CODE: 401,
  CODE_ALREADY_USED: 401,
  CHALLENGE_EXPIRED: 410,
  MFA_LOCKED: 429,
  LOGIN_LOCKED: 429,
  RATE_LIMITED: 429,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  CSRF_FAILED: 403,
  POLICY_REQUIRES_MFA: 403,
  MFA_ALREADY_ENABLED: 409,
  MFA_NOT_ENABLED: 409,
  ENROLMENT_NOT_STARTED: 409,
  USER_NOT_FOUND: 404,
  VALIDATION_FAILED: 400,
  MALFORMED_JSON: 400,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  SSO_NOT_CONFIGURED: 404,
  SSO_REFUSED: 401,
  SSO_REQUIRED: 401,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  HOST_NOT_ALLOWED: 421,
  STORE_UNAVAILABLE: 503,
  INTERNAL: 500,
};

// Hono's own exceptions (body parsing, media type) mapped to our codes.
const fromHttpException: Partial<Record<number, [ErrorCode, string]>> = {
  400: [ErrorCode.MALFORMED_JSON, 'The request body is not valid JSON.'],
  413: [ErrorCode.PAYLOAD_TOO_LARGE, 'The request body is too large.'],
  415: [ErrorCode.UNSUPPORTED_MEDIA_TYPE, 'Send the body as application/json.'],
};

/**
 * The one place errors become answers: `{ error: { code, message } }` with the code's status
 * and, when the error says how long to wait, `Retry-After` in whole seconds. Unexpected errors
 * are logged (name and stack only) and answered as a bare 500.
 */
export function renderError(logger: Logger) {
  return (err: Error, c: Context): Response => {
    const error = toAppError(err, logger, c.req.path);
    if (error.retryAfterMs !== undefined) {
      c.header('Retry-After', String(Math.max(1, Math.ceil(error.retryAfterMs / 1000))));
    }
    c.header('Cache-Control', 'no-store');
    return c.json({ error: { code: error.code, message: error.message } }, STATUS_OF[error.code]);
  };
}

/**
 * What any thrown value answers as: our errors as they are, an unavailable store as 503, Hono's
 * body exceptions mapped to our codes, anything else logged and answered as 500.
 */
function toAppError(err: unknown, logger: Logger, path: string): AppError {
  if (err instanceof AppError) return err;
  if (err instanceof StoreUnavailableError) {
    // The database is down or restarting: nothing was answered as done, the client may retry.
    logger.warn('store unavailable', { path, reason: err.reason });
    return new AppError(ErrorCode.STORE_UNAVAILABLE, 'Service unavailable; try again.', 1000);
  }
  if (err instanceof HTTPException && fromHttpException[err.status]) {
    const [code, message] = fromHttpException[err.status]!;
    return new AppError(code, message);
  }
  const e = err instanceof Error ? err : new Error(String(err));
  logger.error('unhandled error', { path, error: e.name, stack: e.stack });
  return new AppError(ErrorCode.INTERNAL, 'Something went wrong on the server.');
}

/** 400 `VALIDATION_FAILED` naming the first three problems of a zod validation. */
export function validationFailed(
  issues: readonly { path: readonly PropertyKey[]; message: string }[],
): AppError {
  const detail = issues
    .slice(0, 3)
    .map((i) => `${i.path.map(String).join('.') || 'body'}: ${i.message}`)
    .join('; ');
  return new AppError(ErrorCode.VALIDATION_FAILED, `Invalid request: ${detail}`);
}
