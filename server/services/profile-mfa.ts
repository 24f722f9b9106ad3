import { ErrorCode } from '../../sdk/client/error-codes.ts';
import { newRecoveryCodes } from '../../sdk/verifier/recovery-hash.ts';
import { filling } from '../crypto/tokens.ts';
import { AppError } from '../errors.ts';
import type { UserRecord } from '../store/contract.ts';
import { AuditAction, audit } from './audit.ts';
import type { Actor, Deps } from './deps.ts';
import { verifySecondFactor } from './second-factor.ts';

/**
 * Replaces the user's recovery codes after checking a current code; the user's other sessions end
 * (a change of authentication type).
 *
 * @returns the new codes, to show once
 */
export async function regenerateRecoveryCodes(
  deps: Deps,
  user: UserRecord,
  code: string,
  actor: Actor,
  currentSessionId: string,
): Promise<string[]> {
  await verifySecondFactor(deps, user, code, actor);
  const { codes, hashes } = newRecoveryCodes(
    user.id,
    deps.config.limits.recoveryCodeCount,
    filling(deps.random),
  );
  await deps.store.replaceRecoveryCodes(user.id, hashes);
  await deps.store.endUserSessions(user.id, currentSessionId, 'mfa_changed');
  await audit(deps, actor, AuditAction.RECOVERY_CODES_REGENERATED, user.username);
  return codes;
}

/**
 * Disables the user's MFA after checking a current code, unless the policy requires MFA for this
 * (password) user; the user's other sessions end.
 */
export async function disableOwnMfa(
  deps: Deps,
  user: UserRecord,
  code: string,
  actor: Actor,
  currentSessionId: string,
): Promise<void> {
  const policy = await deps.store.getPolicy();
  if (policy.requireMfaForNonSsoUsers && user.authType === 'password') {
    throw new AppError(
      ErrorCode.POLICY_REQUIRES_MFA,
      'Your company requires MFA: it cannot be disabled.',
    );
  }
  await verifySecondFactor(deps, user, code, actor);
  await deps.store.removeFactor(user.id, { mustSetupMfa: false });
  await deps.store.endUserSessions(user.id, currentSessionId, 'mfa_changed');
  await audit(deps, actor, AuditAction.MFA_DISABLED, user.username);
}
