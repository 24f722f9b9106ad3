import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { ErrorCode } from '../../sdk/client/error-codes.ts';
import type { Logger } from '../logger.ts';
import { StoreUnavailableError } from '../store/store-unavailable.ts';

/**
 * An error the API answers with: an HTTP status, a stable code from `ErrorCode` and a message
 * safe to show (never a secret, code, password or hash). Thrown anywhere, rendered by {@link renderError}.
 *
 * @example throw new ApiError(410, 'CHALLENGE_EXPIRED', 'Start the login again.');
 */
export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: ErrorCode,
    message: string,
    /** Seconds, sent as `Retry-After` (429). */
    readonly retryAfter?: number,
  ) {
    super(message);
  }
}

/** A 429 with the seconds to wait, rounded up. */
export const tooMany = (code: ErrorCode, message: string, retryAfterMs: number) =>
  new ApiError(429, code, message, Math.max(1, Math.ceil(retryAfterMs / 1000)));

// Hono's own exceptions (body parsing, size cap, media type) mapped to our codes.
const fromHttpException: Partial<Record<number, [ErrorCode, string]>> = {
  400: [ErrorCode.MALFORMED_JSON, 'The request body is not valid JSON.'],
  413: [ErrorCode.PAYLOAD_TOO_LARGE, 'The request body is too large.'],
  415: [ErrorCode.UNSUPPORTED_MEDIA_TYPE, 'Send the body as application/json.'],
};

/**
 * The one place errors become answers: `{ error: { code, message } }` with the status.
 * Unexpected errors are logged (message and stack only) and answered as a bare 500.
 */
export function renderError(logger: Logger) {
  return (err: Error, c: Context): Response => {
    const error = toApiError(err, logger, c.req.path);
    if (error.retryAfter !== undefined) c.header('Retry-After', String(error.retryAfter));
    c.header('Cache-Control', 'no-store');
    return c.json(errorBody(error), error.status);
  };
}

/** The wire form of an error. */
const errorBody = (error: ApiError) => ({
  error: { code: error.code, message: error.message },
});

/**
 * What any thrown value answers as: our errors as they are, an unavailable store as 503, Hono's
 * body exceptions mapped to our codes, anything else logged and answered as 500.
 */
function toApiError(err: unknown, logger: Logger, path: string): ApiError {
  if (err instanceof ApiError) return err;
  if (err instanceof StoreUnavailableError) {
    // The database is down or restarting: nothing was answered as done, the client may retry.
    logger.warn('store unavailable', { path, reason: err.reason });
    return new ApiError(503, ErrorCode.STORE_UNAVAILABLE, 'Service unavailable; try again.', 1);
  }
  if (err instanceof HTTPException && fromHttpException[err.status]) {
    const [code, message] = fromHttpException[err.status]!;
    return new ApiError(err.status as ContentfulStatusCode, code, message);
  }
  const e = err instanceof Error ? err : new Error(String(err));
  logger.error('unhandled error', { path, error: e.name, stack: e.stack });
  return new ApiError(500, ErrorCode.INTERNAL, 'Something went wrong on the server.');
}

/** 400 `VALIDATION_FAILED` naming the first three problems of a zod validation. */
export function validationFailed(
  issues: readonly { path: readonly PropertyKey[]; message: string }[],
): ApiError {
  const detail = issues
    .slice(0, 3)
    .map((i) => `${i.path.map(String).join('.') || 'body'}: ${i.message}`)
    .join('; ');
  return new ApiError(400, ErrorCode.VALIDATION_FAILED, `Invalid request: ${detail}`);
}
