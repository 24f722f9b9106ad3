/**
 * The second factor's rules as pure functions, one text for every path that applies them: the
 * factor's flows (`factor-flows.ts`), which the verifier library and the BMS server both run.
 * `lockWhenFull` and `refusal` also decide the server's password counters.
 */
import { type OtpAccount, verifyCode } from '../otp/index.ts';

/** A TOTP code checked against the last accepted step. */
export type TotpCheck =
  | { result: 'valid'; step: number }
  | { result: 'replayed' }
  | { result: 'wrong' };

/**
 * A TOTP code against the last accepted step: `valid` with its step (±1 step of `now`, after
 * `lastStep`), `replayed` when it is right but at or before that step (sent again), else `wrong`.
 *
 * @example const checked = totpVerdict(account, '492039', Date.now(), factor.lastStep);
 */
export function totpVerdict(
  account: OtpAccount,
  typed: string,
  now: number,
  lastStep: number | null,
): TotpCheck {
  const result = verifyCode(account, typed, {
    at: now,
    window: 1,
    afterStep: lastStep ?? undefined,
  });
  if (result.ok) return { result: 'valid', step: result.step };
  if (lastStep !== null && verifyCode(account, typed, { at: now, window: 1 }).ok) {
    return { result: 'replayed' };
  }
  return { result: 'wrong' };
}

/** A user's failure counter: wrong codes in a row, locks since the last success, the lock. */
export interface FailureCounter {
  failures: number;
  locks: number;
  lockedUntil: number | null;
}

/**
 * The lockout's settings: wrong attempts in a row that lock, the first lock's length, and
 * whether each further lock is longer (1, the default) or all are alike (0).
 */
export interface LockoutLimits {
  threshold: number;
  lockMs: number;
  escalation?: 0 | 1;
}

/**
 * The counter once its count is taken: at `threshold` the counter is locked from `now` for
 * `lockMs` × (1 + e·n²), n being the locks since the last success and e the escalation (15 min,
 * 30, 75, 150, …: a ceiling on guessing over time), and the count starts again; below it,
 * unchanged. For a counter whose attempts are counted before they are checked (a reservation).
 *
 * @example const next = lockWhenFull({ failures: 10, locks: 0, lockedUntil: null }, now, limits);
 */
export function lockWhenFull(
  counter: FailureCounter,
  now: number,
  limits: LockoutLimits,
): FailureCounter & { lockedNow: boolean } {
  if (counter.failures < limits.threshold) return { ...counter, lockedNow: false };
  const escalation = limits.escalation ?? 1;
  return {
    failures: 0,
    locks: counter.locks + 1,
    lockedUntil: now + limits.lockMs * (1 + escalation * counter.locks * counter.locks),
    lockedNow: true,
  };
}

/**
 * The counter after one more wrong code: {@link lockWhenFull} with this one counted.
 *
 * @example const next = afterWrongCode({ failures: 9, locks: 0, lockedUntil: null }, now, limits);
 */
export const afterWrongCode = (
  counter: FailureCounter,
  now: number,
  limits: LockoutLimits,
): FailureCounter & { lockedNow: boolean } =>
  lockWhenFull({ ...counter, failures: counter.failures + 1 }, now, limits);

/** The time left of a running lock, or null when there is none at `now`. */
export const lockTimeLeft = (lockedUntil: number | null, now: number): number | null =>
  lockedUntil !== null && lockedUntil > now ? lockedUntil - now : null;

/** The shortest wait a refused attempt asks for when no lock is the reason. */
const MIN_RETRY_MS = 1000;

/**
 * The answer to a refused attempt reservation: locked, with the lock's time left; or, when the
 * budget is held by attempts still in flight (no lock yet), busy for a second — they end within
 * a request, and the next try sees their outcome.
 *
 * @example if (!reserved) return refusal(row.lockedUntil, now);
 */
export function refusal(
  lockedUntil: number | null,
  now: number,
): { allowed: false; locked: boolean; retryAfterMs: number } {
  const left = lockTimeLeft(lockedUntil, now);
  return {
    allowed: false,
    locked: left !== null,
    retryAfterMs: left !== null ? Math.max(left, MIN_RETRY_MS) : MIN_RETRY_MS,
  };
}
