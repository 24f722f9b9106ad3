import { ErrorCode } from '../../sdk/client/error-codes.ts';
import { newToken, tokenId } from '../crypto/tokens.ts';
import { AppError } from '../errors.ts';
import type { ChallengeRecord, FactorRecord, UserRecord } from '../store/contract.ts';
import { AuditAction, auditEvent, logAudited } from './audit.ts';
import type { Actor, Deps } from './deps.ts';
import { openChallenge } from './login.ts';
import { factorUserId, notEnabled, refuseVerify } from './second-factor.ts';
import { type UserView, userView } from './user-view.ts';

/** The answer of a code step that let the user in (`POST /api/login/mfa`). */
export interface CodeStepAnswer {
  status: 'authenticated';
  user: UserView;
  usedRecoveryCode: boolean;
}

/**
 * `POST /api/login/mfa` without its HTTP: opens the challenge this client holds (410 unless it is
 * live, of kind mfa and bound to `bindingToken`), runs {@link codeLogin} and builds the answer.
 * Returns the new session's token for the cookie.
 *
 * @example const { token, answer } = await codeStep(deps, { challengeToken, code, bindingToken, ip });
 */
export async function codeStep(
  deps: Deps,
  args: {
    challengeToken: string;
    code: string;
    bindingToken: string | undefined;
    ip: string;
    previousSessionId: string | undefined;
  },
): Promise<{ token: string; answer: CodeStepAnswer }> {
  const context = await openChallenge(deps, args.challengeToken, args.bindingToken, 'mfa');
  const { challenge, user } = context;
  const { token, usedRecoveryCode, recoveryCodesLeft } = await codeLogin(deps, {
    user,
    challenge,
    factor: context.factor,
    code: args.code,
    actor: { username: user.username, ip: args.ip },
    previousSessionId: args.previousSessionId,
  });
  // Still active with the same enrolment date, and the codes left as the verifier counted them.
  const factor = context.factor && { ...context.factor, recoveryCodesLeft };
  return {
    token,
    answer: {
      status: 'authenticated',
      user: await userView(deps, user, factor),
      usedRecoveryCode,
    },
  };
}

const expired = () =>
  new AppError(ErrorCode.CHALLENGE_EXPIRED, 'This login attempt has ended: log in again.');

/**
 * The second login step on an open challenge, one store call (`attemptCodeLogin`) for a TOTP
 * code and a recovery code alike: the challenge must still be live (410); the verifier's
 * `verify` flow decides the code on the user's factor (its lockout refuses even a correct code,
 * 429; a TOTP code is checked against the last accepted step, a recovery code must be one of the
 * unused ones); a success ends the challenge, uses the code, starts the session (replacing
 * `previousSessionId`) and audits, in one durable commit, so a recovery code is spent only by a
 * login that succeeds. A wrong code is counted on the challenge and the user (401, or 429 when
 * it locks). Returns the new session's token and the unused recovery codes left.
 *
 * @example const { token } = await codeLogin(deps, { user, challenge, factor, code, actor });
 */
async function codeLogin(
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
): Promise<{ token: string; usedRecoveryCode: boolean; recoveryCodesLeft: number }> {
  const { user, challenge, factor, code, actor, previousSessionId } = args;
  const { store, clock, config } = deps;
  if (factor?.status !== 'active') {
    throw notEnabled();
  }
  const now = clock.now();
  const totp = /^\d{6}$/.test(code.replace(/\s+/g, ''));
  const token = newToken(deps.random);
  const events = [auditEvent(deps, actor, AuditAction.LOGIN_SUCCEEDED, user.username)];
  if (!totp) events.unshift(auditEvent(deps, actor, AuditAction.RECOVERY_CODE_USED, user.username));
  const decided = await store.attemptCodeLogin({
    challengeId: challenge.id,
    now,
    maxAttempts: config.limits.challengeMaxFailures,
    verify: deps.mfa.verify(factorUserId(user), code),
    session: {
      id: tokenId(token),
      userId: user.id,
      createdAt: now,
      expiresAt: now + config.sessionAbsoluteMs,
      ip: actor.ip,
    },
    endSessionId: previousSessionId,
    audit: events,
  });
  if (decided.outcome === 'challenge_ended') throw expired();
  const { decision } = decided;
  if (!decision.result?.ok) return refuseVerify(deps, user, actor, code, decision);
  for (const event of events) logAudited(deps, event);
  return {
    token,
    usedRecoveryCode: decision.result.usedRecoveryCode,
    recoveryCodesLeft: decision.result.recoveryCodesLeft,
  };
}
