import { ErrorCode } from '../../sdk/client/error-codes.ts';
import { formatKeyUri } from '../../sdk/otp/index.ts';
import { type FactorFlows, factorFlows } from '../../sdk/verifier/factor-flows.ts';
import type { Keyring } from '../../sdk/verifier/secret-box.ts';
import type { VerifyResult } from '../../sdk/verifier/types.ts';
import type { Config } from '../config/config.ts';
import { filling, type Random } from '../crypto/tokens.ts';
import { AppError } from '../errors.ts';
import type { Decision, UserRecord, Write } from '../store/contract.ts';
import { AuditAction, audit } from './audit.ts';
import type { Actor, Clock, Deps } from './deps.ts';

/**
 * The verifier library's flows with this server's settings: its lockout limits, set-up time,
 * recovery-code count, keys, clock and randomness. Secrets stay sealed for `factor:<user id>`,
 * as the server sealed them before it used the library.
 *
 * @example const mfa = secondFactorFlows(config, systemClock, cryptoRandom, keyring);
 */
export function secondFactorFlows(
  config: Config,
  clock: Clock,
  random: Random,
  keyring: Keyring,
): FactorFlows {
  return factorFlows({
    keyring,
    limits: { threshold: config.limits.mfaMaxFailures, lockMs: config.limits.lockoutMs },
    enrolmentTtlMs: config.limits.enrolmentTtlMs,
    recoveryCodeCount: config.limits.recoveryCodeCount,
    now: () => clock.now(),
    secretContext: (userId) => `factor:${userId}`,
    random: filling(random),
  });
}

/** The verifier's id of a user: the server's integer id, as text. */
export const factorUserId = (user: Pick<UserRecord, 'id'>): string => String(user.id);

/** The `otpauth://` URI of a new secret for the user, as the set-up pages show it. */
export const keyUriOf = (deps: Deps, user: UserRecord, secret: string): string =>
  formatKeyUri({
    type: 'totp',
    secret,
    issuer: deps.config.issuer,
    label: user.username,
    algorithm: 'SHA1',
    digits: 6,
    period: 30,
  });

/** 429 `MFA_LOCKED` with the time left, for every path that refuses during a lockout. */
export const locked = (retryAfterMs: number) =>
  new AppError(ErrorCode.MFA_LOCKED, 'Too many wrong codes: try again later.', retryAfterMs);

/**
 * The answer to a right TOTP code sent again (401 `CODE_ALREADY_USED`, audited `mfa.replayed`) or
 * a spent recovery code (401 `RECOVERY_CODE_ALREADY_USED`, audited `mfa.recovery_code_reused`):
 * neither is a failure nor counts toward the lock, and the audit tells each from a wrong code.
 */
async function refuseReplayedCode(
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

/**
 * The answer to a code the verifier refused as wrong or locked, on every path (set-up, login,
 * profile, replacement): a lock that ran before the code was checked is 429 `MFA_LOCKED` and
 * nothing else; a wrong code is audited as a failure, and when it locked the factor (the
 * decision's `locked` event) as a lockout with 429, else 401 `INVALID_CODE`.
 */
export async function refuseCode(
  deps: Deps,
  user: UserRecord,
  actor: Actor,
  events: Decision<unknown>['events'],
  retryAfterMs: number | undefined,
): Promise<never> {
  if (!events.includes('failed')) throw locked(retryAfterMs ?? 1000);
  await audit(deps, actor, AuditAction.MFA_FAILED, user.username);
  if (events.includes('locked')) {
    await audit(deps, actor, AuditAction.MFA_LOCKED, user.username);
    throw locked(retryAfterMs ?? 1000);
  }
  throw new AppError(ErrorCode.INVALID_CODE, 'The code is not valid.');
}

/**
 * The answer to a refused `verify` decision: `MFA_NOT_ENABLED` without an active factor, else a
 * replay or a wrong (or locked) code as {@link refuseReplayedCode} and {@link refuseCode} say.
 */
export function refuseVerify(
  deps: Deps,
  user: UserRecord,
  actor: Actor,
  code: string,
  decision: Decision<VerifyResult | null>,
): Promise<never> {
  const { result } = decision;
  if (result === null) throw notEnabled();
  if (result.ok) throw new Error('refuseVerify called on an accepted code');
  if (result.reason === 'replayed') {
    return refuseReplayedCode(deps, user, actor, /^\d{6}$/.test(code.replace(/\s+/g, '')));
  }
  return refuseCode(deps, user, actor, decision.events, result.retryAfter);
}

/** 409 `MFA_NOT_ENABLED`, for every path that needs an active factor. */
export const notEnabled = () =>
  new AppError(ErrorCode.MFA_NOT_ENABLED, 'MFA is not enabled for this account.');

/**
 * Checks a code against the user's active factor by the verifier's `verify` flow: a TOTP code
 * (±1 step of the server clock, never a step at or before the last accepted one, the step
 * advanced in the same durable commit) or a recovery code (used once), under the per-user
 * lockout, with `then`'s writes committed with an accepted code. Throws `INVALID_CODE`,
 * `CODE_ALREADY_USED`, `RECOVERY_CODE_ALREADY_USED`, `MFA_LOCKED` or `MFA_NOT_ENABLED`.
 *
 * @example const { usedRecoveryCode } = await verifySecondFactor(deps, user, code, actor);
 */
export async function verifySecondFactor(
  deps: Deps,
  user: UserRecord,
  code: string,
  actor: Actor,
  then?: () => Write[],
): Promise<{ usedRecoveryCode: boolean }> {
  const decision = await deps.store.runFactorFlow(
    deps.mfa.verify(factorUserId(user), code),
    (result) => (result?.ok && then ? then() : []),
  );
  const { result } = decision;
  if (!result?.ok) return refuseVerify(deps, user, actor, code, decision);
  if (result.usedRecoveryCode) {
    await audit(deps, actor, AuditAction.RECOVERY_CODE_USED, user.username);
  }
  return { usedRecoveryCode: result.usedRecoveryCode };
}
