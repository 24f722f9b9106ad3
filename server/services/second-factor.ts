import { ErrorCode } from '../../sdk/client/error-codes.ts';
import type { OtpAccount } from '../../sdk/otp/index.ts';
import { hashTypedRecoveryCode } from '../../sdk/verifier/recovery-hash.ts';
import { totpVerdict } from '../../sdk/verifier/rules.ts';
import { openSecret } from '../../sdk/verifier/secret-box.ts';
import { AppError } from '../errors.ts';
import type { FactorRecord, UserRecord } from '../store/contract.ts';
import { AuditAction, audit } from './audit.ts';
import type { Actor, Deps } from './deps.ts';

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
 * failure (`attempt` gave null) and locks at the threshold, gives the attempt back for a right
 * code sent again (`'replayed'`) or a spent recovery code (`'recovery_reused'`: neither is a
 * guess), restarts the count on success. (The
 * login's code step, TOTP or recovery, decides all of that in one store call instead:
 * `Store.attemptCodeLogin`.)
 */
export async function underLockout<T>(
  deps: Deps,
  user: UserRecord,
  actor: Actor,
  attempt: () => Promise<T | 'replayed' | 'recovery_reused' | null>,
): Promise<T> {
  const { store, clock, config } = deps;
  const now = clock.now();
  const limits = { threshold: config.limits.mfaMaxFailures, lockMs: config.limits.lockoutMs };
  const reserved = await store.reserveAttempt(user.id, 'mfa', now, limits);
  if (!reserved.allowed) {
    throw reserved.locked ? locked(reserved.retryAfterMs) : busy(reserved.retryAfterMs);
  }
  const result = await attempt();
  if (result === 'replayed' || result === 'recovery_reused') {
    // Not a guess: the reservation is given back, so replays never lock the user out.
    await store.releaseAttempt(user.id, 'mfa');
    return refuseReplayedCode(deps, user, actor, result === 'replayed');
  }
  if (result !== null) {
    await store.clearFailures(user.id, 'mfa');
    return result;
  }
  const after = await store.recordFailure(user.id, 'mfa', now, limits);
  return refuseWrongCode(deps, user, actor, now, after.lockedUntil);
}

/**
 * 429 `RATE_LIMITED` for an attempt refused while others for the same user are still in flight:
 * no lock is set, so it must not say locked.
 */
export const busy = (retryAfterMs: number) =>
  new AppError(
    ErrorCode.RATE_LIMITED,
    'Other attempts are still being checked: try again.',
    retryAfterMs,
  );

/**
 * The answer to a right TOTP code sent again (401 `CODE_ALREADY_USED`, audited `mfa.replayed`) or
 * a spent recovery code (401 `RECOVERY_CODE_ALREADY_USED`, audited `mfa.recovery_code_reused`):
 * neither is a failure nor counts toward the lock, and the audit tells each from a wrong code.
 */
export async function refuseReplayedCode(
  deps: Deps,
  user: UserRecord,
  actor: Actor,
  totp: boolean,
): Promise<never> {
  if (totp) {
    await audit(deps, actor, AuditAction.MFA_REPLAYED, user.username);
    throw new AppError(
      ErrorCode.CODE_ALREADY_USED,
      'This code was already used: wait for the next one.',
    );
  }
  await audit(deps, actor, AuditAction.RECOVERY_CODE_REUSED, user.username);
  throw new AppError(ErrorCode.RECOVERY_CODE_ALREADY_USED, 'This recovery code was already used.');
}

/** 429 `MFA_LOCKED` with the time left, for every path that refuses during a lockout. */
export const locked = (retryAfterMs: number) =>
  new AppError(ErrorCode.MFA_LOCKED, 'Too many wrong codes: try again later.', retryAfterMs);

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
  throw new AppError(ErrorCode.INVALID_CODE, 'The code is not valid.');
}

/**
 * Checks a code against the user's active factor: a TOTP code (±1 step of the server clock,
 * never a step at or before the last accepted one, the step advanced atomically and durably), or
 * a recovery code (consumed once). Throws `INVALID_CODE`, `CODE_ALREADY_USED`,
 * `RECOVERY_CODE_ALREADY_USED`, `MFA_LOCKED` or `MFA_NOT_ENABLED`.
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
    throw new AppError(ErrorCode.MFA_NOT_ENABLED, 'MFA is not enabled for this account.');
  }
  return underLockout(deps, user, actor, async () => {
    const typed = code.replace(/\s+/g, '');
    if (/^\d{6}$/.test(typed)) {
      const account = accountOf(deps, user, factor);
      const checked = totpVerdict(account, typed, deps.clock.now(), factor.lastStep);
      if (checked.result === 'wrong') return null;
      // The replay guard is the conditional update, not the read above: two requests with one
      // code both pass the check, only one advances the step; the other is a replay.
      if (
        checked.result === 'valid' &&
        (await deps.store.advanceLastStep(factor.id, checked.step))
      ) {
        return { usedRecoveryCode: false };
      }
      return 'replayed';
    }
    const hash = hashTypedRecoveryCode(user.id, code);
    if (hash && (await deps.store.consumeRecoveryCode(user.id, hash, deps.clock.now()))) {
      await audit(deps, actor, AuditAction.RECOVERY_CODE_USED, user.username);
      return { usedRecoveryCode: true };
    }
    if (hash && (await deps.store.isRecoveryCodeUsed(user.id, hash))) return 'recovery_reused';
    return null;
  });
}
