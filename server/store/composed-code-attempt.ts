import type { CodeAttempt, CodeAttemptOutcome, Store } from './contract.ts';

/**
 * `attemptCodeLogin` for a store shared by several processes (PostgreSQL): the decision cannot
 * happen inside one synchronous transaction, so it reserves first ({@link Store.reserveCodeAttempt}:
 * the challenge's attempt and the user's, each a conditional write, so concurrent wrong codes
 * cannot run past the limits), checks the code against the step read with the challenge, and
 * either completes ({@link Store.completeCodeLogin}: its conditional update is the replay guard,
 * so a stale read only makes a replay lose there) or leaves the reservation counted as the failure
 * ({@link Store.recordFailure} locks at the threshold).
 *
 * @example const store = { ...methods, attemptCodeLogin: composedCodeAttempt(methods) };
 */
export function composedCodeAttempt(
  store: Pick<Store, 'reserveCodeAttempt' | 'completeCodeLogin' | 'recordFailure'>,
): Store['attemptCodeLogin'] {
  return async (a: CodeAttempt): Promise<CodeAttemptOutcome> => {
    const reserved = await store.reserveCodeAttempt({
      challengeId: a.challengeId,
      userId: a.userId,
      now: a.now,
      maxAttempts: a.maxAttempts,
      threshold: a.threshold,
    });
    if (reserved === 'challenge_ended') return { outcome: 'challenge_ended' };
    if (!reserved.allowed) return { outcome: 'locked', retryAfterMs: reserved.retryAfterMs };
    const step = a.check(a.lastStepRead);
    if (step !== null) {
      const done = await store.completeCodeLogin({
        factorId: a.factorId,
        step,
        challengeId: a.challengeId,
        now: a.now,
        session: a.session,
        endSessionId: a.endSessionId,
        audit: a.audit,
      });
      if (done === 'ok') return { outcome: 'ok' };
      if (done === 'challenge_ended') return { outcome: 'challenge_ended' };
    }
    const after = await store.recordFailure(a.userId, 'mfa', a.now, {
      threshold: a.threshold,
      lockMs: a.lockMs,
    });
    const lockedUntil =
      after.lockedUntil !== null && after.lockedUntil > a.now ? after.lockedUntil : null;
    return { outcome: 'wrong', lockedUntil };
  };
}
