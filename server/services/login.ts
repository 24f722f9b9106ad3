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
import { reservePasswordAttempt } from './password-guard.ts';

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
 * and SSO-only users), under the password lockout, which counts by the name typed so that it
 * answers alike whether the name is a user's or not (`password-guard.ts`); then decides what
 * comes next: a session, a code, or the MFA set-up that the policy or an admin reset requires.
 */
export async function passwordLogin(
  deps: Deps,
  username: string,
  password: string,
  ip: string,
): Promise<PasswordLoginResult> {
  const { store, hasher } = deps;
  const attempt = await reservePasswordAttempt(deps, username, ip);
  const user = await store.getUserByUsername(username);
  // An SSO user given a password signs in with it like everyone else (SSO-only users were
  // told to use SSO before this step: sso-login.ts).
  const hash = user?.passwordHash ?? null;
  let right = false;
  if (hash) right = await hasher.verify(hash, password);
  else await hasher.burn(password);
  if (!user || !right) {
    const locked = await attempt.failed();
    const actor = { username: user && hash ? user.username : 'anonymous', ip };
    await audit(deps, actor, AuditAction.LOGIN_FAILED, user?.username ?? null);
    if (locked) await audit(deps, actor, AuditAction.LOGIN_LOCKED, user?.username ?? null);
    throw invalid();
  }
  await attempt.succeeded();

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
