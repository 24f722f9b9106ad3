/**
 * `mfa-companion/verifier/hono`: a login's second step as Hono middleware.
 */
import type { Context, MiddlewareHandler } from 'hono';
import type { Verifier } from './types.ts';
import { VerifierError } from './verifier-error.ts';

/** What the middleware sets on the context for the handler after it (`c.get('secondFactor')`). */
export interface SecondFactorPassed {
  userId: string;
  usedRecoveryCode: boolean;
  recoveryCodesLeft: number;
}

export interface SecondFactorOptions {
  /**
   * The user whose code this request carries: from your pending-login state (a cookie your first
   * step set, say), never from the request body. Null answers 401 `LOGIN_REQUIRED`.
   */
  userId: (c: Context) => string | null | Promise<string | null>;
}

const error = (c: Context, status: 400 | 401 | 409 | 429, code: string, message: string) =>
  c.json({ error: { code, message } }, status);

/**
 * Checks the code of a login's second step (`{ "code": "123456" }` as JSON, a TOTP code or a
 * recovery code) with the verifier and lets the request through only when it is accepted.
 * Refusals answer `{ error: { code, message } }`: 401 `INVALID_CODE` (wrong),
 * 401 `CODE_ALREADY_USED` (a right code sent again, or a spent recovery code), 429 `MFA_LOCKED`
 * with `Retry-After`, 409 `MFA_NOT_ENABLED`, 400 `INVALID_REQUEST` for a body without a code.
 *
 * @example
 * app.post('/login/code', secondFactor(verifier, { userId: (c) => pendingLogin(c) }), (c) => {
 *   const { userId } = c.get('secondFactor');
 *   return startSession(c, userId);
 * });
 */
export function secondFactor(
  verifier: Verifier,
  options: SecondFactorOptions,
): MiddlewareHandler<{ Variables: { secondFactor: SecondFactorPassed } }> {
  return async (c, next) => {
    const userId = await options.userId(c);
    if (userId === null)
      return error(c, 401, 'LOGIN_REQUIRED', 'Sign in with your password first.');
    const body: unknown = await c.req.json().catch(() => null);
    const code = (body as { code?: unknown } | null)?.code;
    if (typeof code !== 'string' || code.length === 0 || code.length > 100) {
      return error(c, 400, 'INVALID_REQUEST', 'Send { "code": "…" } as JSON.');
    }
    let result: Awaited<ReturnType<Verifier['verify']>>;
    try {
      result = await verifier.verify(userId, code);
    } catch (caught) {
      if (caught instanceof VerifierError && caught.code === 'MFA_NOT_ENABLED') {
        return error(c, 409, 'MFA_NOT_ENABLED', 'This account has no second factor.');
      }
      throw caught;
    }
    if (result.ok) {
      c.set('secondFactor', {
        userId,
        usedRecoveryCode: result.usedRecoveryCode,
        recoveryCodesLeft: result.recoveryCodesLeft,
      });
      await next();
      return;
    }
    if (result.reason === 'locked') {
      c.header('Retry-After', String(Math.ceil((result.retryAfter ?? 1000) / 1000)));
      return error(c, 429, 'MFA_LOCKED', 'Too many wrong codes: try again later.');
    }
    if (result.reason === 'replayed') {
      return error(
        c,
        401,
        'CODE_ALREADY_USED',
        'This code was already used: wait for the next one.',
      );
    }
    return error(c, 401, 'INVALID_CODE', 'The code is not valid.');
  };
}
