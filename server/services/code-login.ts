import { ErrorCode } from '../../sdk/client/error-codes.ts';
import { verifyCode } from '../../sdk/otp/index.ts';
import { newToken, sha256 } from '../crypto/tokens.ts';
import { ApiError } from '../http/api-error.ts';
import type { ChallengeRecord, FactorRecord, UserRecord } from '../store/contract.ts';
import { AuditAction, audit, auditEvent, logAudited } from './audit.ts';
import type { Actor, Deps } from './deps.ts';
import { beginChallengeAttempt, finishChallenge } from './login.ts';
import { accountOf, underLockout, verifySecondFactor } from './second-factor.ts';
import { startSession } from './sessions.ts';

const expired = () =>
  new ApiError(410, ErrorCode.CHALLENGE_EXPIRED, 'This login attempt has ended: log in again.');

/**
 * The second login step on an open challenge: reserves an attempt on the challenge (410 when it
 * has none left) and on the user, checks the code under the per-user lockout and, on success,
 * ends the challenge, starts the session (replacing
 * `previousSessionId`) and audits the login. A TOTP code does all of that in one store
 * transaction (`completeCodeLogin`: replay guard, challenge, failure count, session, audit; one
 * durable commit); a recovery code takes the general path. Returns the new session's token and
 * the factor the code was checked against.
 *
 * @example const { token } = await codeLogin(deps, { user, challenge, factor, code, actor });
 */
export async function codeLogin(
  deps: Deps,
  args: {
    user: UserRecord;
    challenge: ChallengeRecord;
    /** The user's factor as read with the challenge (`getChallengeContext`). */
    factor: FactorRecord | null;
    code: string;
    actor: Actor;
    previousSessionId?: string;
  },
): Promise<{ token: string; usedRecoveryCode: boolean; factor: FactorRecord | undefined }> {
  const { user, challenge, factor, code, actor, previousSessionId } = args;
  const typed = code.replace(/\s+/g, '');
  if (!/^\d{6}$/.test(typed)) {
    await beginChallengeAttempt(deps, challenge);
    const { usedRecoveryCode } = await verifySecondFactor(deps, user, code, actor, factor);
    await finishChallenge(deps, challenge);
    const { token } = await startSession(deps, user, actor.ip, previousSessionId);
    await audit(deps, actor, AuditAction.LOGIN_SUCCEEDED, user.username);
    // verifySecondFactor refused any factor but an active one.
    return { token, usedRecoveryCode, factor: factor ?? undefined };
  }

  const { store, clock, config } = deps;
  if (factor?.status !== 'active') {
    throw new ApiError(409, ErrorCode.MFA_NOT_ENABLED, 'MFA is not enabled for this account.');
  }
  const token = await underLockout(
    deps,
    user,
    actor,
    async () => {
      const now = clock.now();
      const result = verifyCode(accountOf(deps, user, factor), typed, {
        at: now,
        window: 1,
        afterStep: factor.lastStep ?? undefined,
      });
      if (!result.ok) return null;
      const token = newToken(deps.random);
      const event = auditEvent(deps, actor, AuditAction.LOGIN_SUCCEEDED, user.username);
      // The replay guard is the conditional update inside, not the read above: of two requests
      // with one code, both pass verifyCode and only one advances the step.
      const outcome = await store.completeCodeLogin({
        factorId: factor.id,
        step: result.step,
        challengeId: challenge.id,
        now,
        session: {
          id: sha256(token),
          userId: user.id,
          createdAt: now,
          expiresAt: now + config.sessionAbsoluteMs,
          ip: actor.ip,
        },
        endSessionId: previousSessionId,
        audit: [event],
      });
      if (outcome === 'replayed') return null;
      if (outcome === 'challenge_ended') throw expired();
      logAudited(deps, event);
      return token;
    },
    {
      clearedBySuccess: true,
      // Both reservations in one store write: the challenge's, then the user's.
      reserve: async (now, threshold) => {
        const reserved = await store.reserveCodeAttempt({
          challengeId: challenge.id,
          userId: user.id,
          now,
          maxAttempts: config.limits.challengeMaxFailures,
          threshold,
        });
        if (reserved === 'challenge_ended') throw expired();
        return reserved;
      },
    },
  );
  // Still active with the same enrolment date: what the answer's user view shows.
  return { token, usedRecoveryCode: false, factor };
}
