import { ErrorCode } from '../../sdk/client/error-codes.ts';
import { type OtpAccount, verifyCode } from '../../sdk/otp/index.ts';
import { openSecret } from '../crypto/secret-box.ts';
import { ApiError, tooMany } from '../http/api-error.ts';
import type { FactorRecord, UserRecord } from '../store/contract.ts';
import { AuditAction, audit } from './audit.ts';
import type { Actor, Deps } from './deps.ts';
import { hashTypedRecoveryCode } from './recovery-codes.ts';

/** The OTP account of a factor (its secret decrypted, only in memory). */
export function accountOf(deps: Deps, user: UserRecord, factor: FactorRecord): OtpAccount {
  return {
    type: 'totp',
    secret: openSecret(deps.keyring, factor.secret, `factor:${user.id}`),
    issuer: deps.config.issuer,
    label: user.username,
    algorithm: 'SHA1',
    digits: 6,
    period: 30,
  };
}

/**
 * Runs one code attempt under the per-user MFA lockout: reserves the attempt first (refused while
 * locked, even for a correct code, and never more than the threshold in flight), counts a
 * failure (`attempt` gave null) and locks at the threshold, restarts the count on success. (The
 * login's code step, TOTP or recovery, decides all of that in one store call instead:
 * `Store.attemptCodeLogin`.)
 */
export async function underLockout<T>(
  deps: Deps,
  user: UserRecord,
  actor: Actor,
  attempt: () => Promise<T | null>,
): Promise<T> {
  const { store, clock, config } = deps;
  const now = clock.now();
  const limits = { threshold: config.limits.mfaMaxFailures, lockMs: config.limits.lockoutMs };
  const reserved = await store.reserveAttempt(user.id, 'mfa', now, limits);
  if (!reserved.allowed) throw locked(reserved.retryAfterMs);
  const result = await attempt();
  if (result !== null) {
    await store.clearFailures(user.id, 'mfa');
    return result;
  }
  const after = await store.recordFailure(user.id, 'mfa', now, limits);
  return refuseWrongCode(deps, user, actor, now, after.lockedUntil);
}

/** 429 `MFA_LOCKED` with the time left, for every path that refuses during a lockout. */
export const locked = (retryAfterMs: number) =>
  tooMany(ErrorCode.MFA_LOCKED, 'Too many wrong codes: try again later.', retryAfterMs);

/**
 * The answer to a wrong code already counted: audited as a failure, and as a lockout with 429
 * when the count locked the factor (`lockedUntil` after `now`), else 401 `INVALID_CODE`.
 */
export async function refuseWrongCode(
  deps: Deps,
  user: UserRecord,
  actor: Actor,
  now: number,
  lockedUntil: number | null,
): Promise<never> {
  await audit(deps, actor, AuditAction.MFA_FAILED, user.username);
  if (lockedUntil !== null && lockedUntil > now) {
    await audit(deps, actor, AuditAction.MFA_LOCKED, user.username);
    throw locked(lockedUntil - now);
  }
  throw new ApiError(401, ErrorCode.INVALID_CODE, 'The code is not valid.');
}

/**
 * Checks a code against the user's active factor: a TOTP code (±1 step of the server clock,
 * never a step at or before the last accepted one, the step advanced atomically and durably), or
 * a recovery code (consumed once). Throws `INVALID_CODE`, `MFA_LOCKED` or `MFA_NOT_ENABLED`.
 *
 * @example const { usedRecoveryCode } = await verifySecondFactor(deps, user, code, actor);
 */
export async function verifySecondFactor(
  deps: Deps,
  user: UserRecord,
  code: string,
  actor: Actor,
  /** The user's factor if this request has read it already (saves the read). */
  known?: FactorRecord | null,
): Promise<{ usedRecoveryCode: boolean }> {
  const factor = known === undefined ? await deps.store.getFactor(user.id) : known;
  if (factor?.status !== 'active') {
    throw new ApiError(409, ErrorCode.MFA_NOT_ENABLED, 'MFA is not enabled for this account.');
  }
  return underLockout(deps, user, actor, async () => {
    const typed = code.replace(/\s+/g, '');
    if (/^\d{6}$/.test(typed)) {
      const result = verifyCode(accountOf(deps, user, factor), typed, {
        at: deps.clock.now(),
        window: 1,
        afterStep: factor.lastStep ?? undefined,
      });
      // The replay guard is the conditional update, not the read above: two requests with one
      // code both pass verifyCode, only one advances the step.
      if (result.ok && (await deps.store.advanceLastStep(factor.id, result.step))) {
        return { usedRecoveryCode: false };
      }
      return null;
    }
    const hash = hashTypedRecoveryCode(user.id, code);
    if (hash && (await deps.store.consumeRecoveryCode(user.id, hash, deps.clock.now()))) {
      await audit(deps, actor, AuditAction.RECOVERY_CODE_USED, user.username);
      return { usedRecoveryCode: true };
    }
    return null;
  });
}
