import { ErrorCode } from '../../sdk/client/error-codes.ts';
import { hashTypedRecoveryCode } from '../../sdk/verifier/recovery-hash.ts';
import { totpVerdict } from '../../sdk/verifier/rules.ts';
import { newToken, tokenId } from '../crypto/tokens.ts';
import { AppError } from '../errors.ts';
import type {
  AttemptedCode,
  ChallengeRecord,
  FactorRecord,
  UserRecord,
} from '../store/contract.ts';
import { AuditAction, auditEvent, logAudited } from './audit.ts';
import type { Actor, Deps } from './deps.ts';
import { openChallenge } from './login.ts';
import { accountOf, locked, refuseReplayedCode, refuseWrongCode } from './second-factor.ts';
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
  const { token, usedRecoveryCode, factor } = await codeLogin(deps, {
    user,
    challenge,
    factor: context.factor,
    code: args.code,
    actor: { username: user.username, ip: args.ip },
    previousSessionId: args.previousSessionId,
  });
  // A recovery code changed the count; a TOTP code left it as read with the challenge.
  const codesLeft = usedRecoveryCode ? undefined : context.recoveryCodesLeft;
  return {
    token,
    answer: {
      status: 'authenticated',
      user: await userView(deps, user, factor, codesLeft),
      usedRecoveryCode,
    },
  };
}

const expired = () =>
  new AppError(ErrorCode.CHALLENGE_EXPIRED, 'This login attempt has ended: log in again.');

/**
 * The second login step on an open challenge, one store call (`attemptCodeLogin`) for a TOTP
 * code and a recovery code alike: the challenge must still be live (410), the user's MFA lockout
 * refuses even a correct code (429), a TOTP code is checked against the store's last accepted
 * step and a recovery code must be one of the user's unused ones; a success ends the challenge,
 * uses the code (advances the step, or marks the recovery code used), starts the session
 * (replacing `previousSessionId`), restarts the failure count and audits, in one durable commit,
 * so a recovery code is spent only by a login that succeeds. A wrong code is counted on the
 * challenge and the user (401, or 429 when it locks). Returns the new session's token and the
 * factor the code was checked against.
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
): Promise<{ token: string; usedRecoveryCode: boolean; factor: FactorRecord }> {
  const { user, challenge, factor, code, actor, previousSessionId } = args;
  const { store, clock, config } = deps;
  if (factor?.status !== 'active') {
    throw new AppError(ErrorCode.MFA_NOT_ENABLED, 'MFA is not enabled for this account.');
  }
  const now = clock.now();
  const typed = code.replace(/\s+/g, '');
  const totp = /^\d{6}$/.test(typed);
  const token = newToken(deps.random);
  const events = [auditEvent(deps, actor, AuditAction.LOGIN_SUCCEEDED, user.username)];
  if (!totp) events.unshift(auditEvent(deps, actor, AuditAction.RECOVERY_CODE_USED, user.username));
  const decided = await store.attemptCodeLogin({
    challengeId: challenge.id,
    userId: user.id,
    factorId: factor.id,
    now,
    maxAttempts: config.limits.challengeMaxFailures,
    threshold: config.limits.mfaMaxFailures,
    lockMs: config.limits.lockoutMs,
    code: totp
      ? totpCheck(deps, user, factor, typed, now)
      : {
          kind: 'recovery',
          hash: hashTypedRecoveryCode(user.id, code),
        },
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
  switch (decided.outcome) {
    case 'challenge_ended':
      throw expired();
    case 'locked':
      throw locked(decided.retryAfterMs);
    case 'wrong':
      return refuseWrongCode(deps, user, actor, now, decided.lockedUntil);
    case 'replayed':
      return refuseReplayedCode(deps, user, actor, totp);
  }
  for (const event of events) logAudited(deps, event);
  // Still active with the same enrolment date: what the answer's user view shows.
  return { token, usedRecoveryCode: !totp, factor };
}

/**
 * A TOTP code's check for the store: ±1 step of the server clock, after the last accepted step
 * (the store's conditional update of that step is the replay guard).
 */
function totpCheck(
  deps: Deps,
  user: UserRecord,
  factor: FactorRecord,
  typed: string,
  now: number,
): AttemptedCode {
  const account = accountOf(deps, user, factor);
  return { kind: 'totp', check: (lastStep) => totpVerdict(account, typed, now, lastStep) };
}
