import { ErrorCode } from '../../sdk/client/error-codes.ts';
import { newToken, sha256, tokenId } from '../crypto/tokens.ts';
import { AppError } from '../errors.ts';
import type {
  ChallengeContext,
  ChallengeKind,
  ChallengeRecord,
  UserRecord,
} from '../store/contract.ts';
import { AuditAction, audit } from './audit.ts';
import type { Deps } from './deps.ts';
import { busy } from './second-factor.ts';

export type PasswordLoginResult =
  | { status: 'authenticated'; user: UserRecord }
  | {
      status: 'mfa_required' | 'mfa_setup_required';
      user: UserRecord;
      /** Returned to the client as `challengeId`. */
      challengeToken: string;
      /** Kept by the client in an HttpOnly cookie: binds the challenge to it. */
      bindingToken: string;
    };

const expired = () =>
  new AppError(ErrorCode.CHALLENGE_EXPIRED, 'This login attempt has ended: log in again.');
const invalid = () => new AppError(ErrorCode.INVALID_CREDENTIALS, 'Wrong username or password.');

/**
 * The first login step. Checks the password with argon2id (spending the same time for unknown
 * and SSO-only users), under the per-user password lockout, then decides what comes next: a
 * session, a code, or the MFA set-up that the policy or an admin reset requires.
 */
export async function passwordLogin(
  deps: Deps,
  username: string,
  password: string,
  ip: string,
): Promise<PasswordLoginResult> {
  const { store, clock, config, hasher } = deps;
  const user = await store.getUserByUsername(username);
  if (!user?.passwordHash) {
    await hasher.burn(password);
    await audit(
      deps,
      { username: 'anonymous', ip },
      AuditAction.LOGIN_FAILED,
      user?.username ?? null,
    );
    throw invalid();
  }
  const actor = { username: user.username, ip };
  const now = clock.now();
  const limits = { threshold: config.limits.passwordMaxFailures, lockMs: config.limits.lockoutMs };
  const reserved = await store.reserveAttempt(user.id, 'password', now, limits);
  if (!reserved.allowed) {
    // Only a lock is "locked": attempts of this user still in flight only make this one wait.
    if (!reserved.locked) throw busy(reserved.retryAfterMs);
    throw new AppError(
      ErrorCode.LOGIN_LOCKED,
      'Too many login attempts: try again later.',
      reserved.retryAfterMs,
    );
  }
  if (!(await hasher.verify(user.passwordHash, password))) {
    const after = await store.recordFailure(user.id, 'password', now, limits);
    await audit(deps, actor, AuditAction.LOGIN_FAILED, user.username);
    if (after.lockedUntil !== null)
      await audit(deps, actor, AuditAction.LOGIN_LOCKED, user.username);
    throw invalid();
  }
  await store.clearFailures(user.id, 'password');

  const factor = await store.getFactor(user.id);
  if (factor?.status === 'active') return challenge(deps, user, 'mfa');
  const policy = await store.getPolicy();
  if (user.mustSetupMfa || policy.requireMfaForNonSsoUsers) return challenge(deps, user, 'setup');
  return { status: 'authenticated', user };
}

async function challenge(
  deps: Deps,
  user: UserRecord,
  kind: ChallengeKind,
): Promise<PasswordLoginResult> {
  const now = deps.clock.now();
  const challengeToken = newToken(deps.random);
  const bindingToken = newToken(deps.random);
  await deps.store.createChallenge({
    id: tokenId(challengeToken),
    userId: user.id,
    kind,
    binding: sha256(bindingToken),
    createdAt: now,
    expiresAt: now + deps.config.limits.challengeTtlMs,
  });
  return {
    status: kind === 'mfa' ? 'mfa_required' : 'mfa_setup_required',
    user,
    challengeToken,
    bindingToken,
  };
}

/**
 * The live challenge of this client, with its user, factor and recovery-code count (one store
 * read), or 410 `CHALLENGE_EXPIRED`: unknown, of another kind, held by another client (binding
 * cookie), succeeded already, expired, or out of attempts.
 */
export async function openChallenge(
  deps: Deps,
  challengeToken: string,
  bindingToken: string | undefined,
  kind: ChallengeKind,
): Promise<ChallengeContext> {
  const { store, clock, config } = deps;
  const context = await store.getChallengeContext(tokenId(challengeToken));
  const challenge = context?.challenge;
  const live =
    challenge &&
    challenge.kind === kind &&
    bindingToken !== undefined &&
    challenge.binding === sha256(bindingToken) &&
    challenge.consumedAt === null &&
    challenge.expiresAt > clock.now() &&
    challenge.attempts < config.limits.challengeMaxFailures;
  if (!live) {
    throw new AppError(ErrorCode.CHALLENGE_EXPIRED, 'This login attempt has ended: log in again.');
  }
  return context;
}

/**
 * Reserves one code attempt on the challenge (at most 5, even under concurrent requests), or
 * 410 `CHALLENGE_EXPIRED`.
 */
export async function beginChallengeAttempt(deps: Deps, challenge: ChallengeRecord): Promise<void> {
  const ok = await deps.store.reserveChallengeAttempt(
    challenge.id,
    deps.clock.now(),
    deps.config.limits.challengeMaxFailures,
  );
  if (!ok) throw expired();
}

/** Ends the challenge at its success; 410 if another request won it first. */
export async function finishChallenge(deps: Deps, challenge: ChallengeRecord): Promise<void> {
  if (!(await deps.store.consumeChallenge(challenge.id, deps.clock.now()))) throw expired();
}
