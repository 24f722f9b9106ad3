import type { FailureState } from './types.ts';

/** The shortest wait a refused reservation asks for when no lock is the reason. */
const MIN_RETRY_MS = 1000;

/**
 * The answer to a refused attempt reservation: locked, with the lock's time left; or, when the
 * budget is held by attempts still in flight (no lock yet), busy for a second — they end within
 * a request, and the next try sees their outcome.
 *
 * @example
 * if (!reserved) return refusal(toFailureState(row), now);
 */
export function refusal(
  state: FailureState,
  now: number,
): { allowed: false; locked: boolean; retryAfterMs: number } {
  const locked = state.lockedUntil !== null && state.lockedUntil > now;
  return {
    allowed: false,
    locked,
    retryAfterMs: locked ? Math.max(state.lockedUntil! - now, MIN_RETRY_MS) : MIN_RETRY_MS,
  };
}
