import type { Decision } from '../../sdk/verifier/store/flow.ts';
import type { VerifyResult } from '../../sdk/verifier/types.ts';
import type { CodeAttempt } from './types.ts';

/** What a code attempt reads of its challenge before the code is checked (`CHALLENGE_STATE`). */
export interface ChallengeStateRow {
  attempts: number;
  consumed_at: number | null;
  expires_at: number;
}

/**
 * Whether the challenge may take a code, the same on every store: unconsumed, unexpired at `now`
 * and below its attempts.
 *
 * @example if (!state || !challengeLive(state, attempt)) return { outcome: 'challenge_ended' };
 */
export const challengeLive = (
  state: ChallengeStateRow,
  a: Pick<CodeAttempt, 'now' | 'maxAttempts'>,
): boolean =>
  state.consumed_at === null && state.expires_at > a.now && state.attempts < a.maxAttempts;

/**
 * Whether a refused code counts one attempt on the challenge: a wrong code or a spent one (the
 * verifier counted the failure, or saw the replay); a lock that refused before the code was
 * checked does not, nor a factor no longer active.
 */
export const countsOnChallenge = (decision: Decision<VerifyResult | null>): boolean =>
  decision.events.includes('failed') || decision.events.includes('replayed');
