import type { FailureState } from './types.ts';

/** The shortest wait a refused reservation asks for when no lock is the reason. */
const MIN_RETRY_MS = 1000;

/**
 * How long a refused attempt reservation asks the client to wait: the lock's time left, or, when
 * the budget is held by attempts still in flight (no lock yet), a second — they end within a
 * request, and the next try sees their outcome.
 *
 * @example
 * if (!reserved) return { allowed: false, retryAfterMs: retryAfterRefusal(state, now) };
 */
export function retryAfterRefusal(state: FailureState, now: number): number {
  const lockedFor =
    state.lockedUntil !== null && state.lockedUntil > now ? state.lockedUntil - now : 0;
  return Math.max(lockedFor, MIN_RETRY_MS);
}
