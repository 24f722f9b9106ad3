import type { CodeAttempt, CodeAttemptOutcome } from './types.ts';

/**
 * What a code attempt reads before it decides, as both SQL adapters select it: the challenge,
 * the user's MFA failure count (null columns when the user never failed) and the active
 * factor's last accepted step (null columns when the factor is not active).
 */
export interface CodeAttemptStateRow {
  attempts: number;
  consumed_at: number | null;
  expires_at: number;
  count: number | null;
  /** Locks since the last success, which make the next one longer. */
  locks: number | null;
  locked_until: number | null;
  factor_id: number | null;
  last_step: number | null;
}

/** Whether a success has failures or lock history to clear (most successes have none). */
export const hasFailures = (state: CodeAttemptStateRow): boolean =>
  Boolean(state.count) || Boolean(state.locks);

/** What checking the code found: a new code, a spent one (not a guess), or a wrong one. */
export type CodeVerdict = 'valid' | 'replayed' | 'wrong';

/**
 * The refusals that come before the code is checked, the same on every store: the challenge
 * (found) must be live and below its attempts, and the user's MFA lock must have run out. Null
 * when the code may be checked.
 *
 * @example
 * if (!state) return { outcome: 'challenge_ended' };
 * const refused = refusalBeforeCheck(state, attempt);
 * if (refused) return refused;
 */
export function refusalBeforeCheck(
  state: CodeAttemptStateRow,
  a: Pick<CodeAttempt, 'now' | 'maxAttempts'>,
): Extract<CodeAttemptOutcome, { outcome: 'challenge_ended' | 'locked' }> | null {
  if (state.consumed_at !== null || state.expires_at <= a.now || state.attempts >= a.maxAttempts) {
    return { outcome: 'challenge_ended' };
  }
  if (state.locked_until !== null && state.locked_until > a.now) {
    return { outcome: 'locked', retryAfterMs: state.locked_until - a.now };
  }
  return null;
}
