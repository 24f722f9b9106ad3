import { ErrorCode } from '../../sdk/client/error-codes.ts';
import { AppError } from '../errors.ts';
import type { UserRecord } from '../store/contract.ts';
import { endSessionsWrites } from '../store/statements.ts';
import { AuditAction, audit } from './audit.ts';
import type { Actor, Deps } from './deps.ts';
import { factorUserId, notEnabled, verifySecondFactor } from './second-factor.ts';

/**
 * Replaces the user's recovery codes after checking a current code; the user's other sessions end
 * (a change of authentication type) in the same commit as the new codes.
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
  const { result: codes } = await deps.store.runFactorFlow(
    deps.mfa.regenerateRecoveryCodes(factorUserId(user)),
    (made) => (made ? endSessionsWrites(user.id, currentSessionId, 'mfa_changed') : []),
  );
  // Disabled (by an admin, another session) between the check and now.
  if (!codes) throw notEnabled();
  await audit(deps, actor, AuditAction.RECOVERY_CODES_REGENERATED, user.username);
  return codes;
}

/**
 * Disables the user's MFA after checking a current code, unless the policy requires MFA for this
 * (password) user; the user's other sessions end in the same commit.
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
  await deps.store.runFactorFlow(deps.mfa.disable(factorUserId(user)), () =>
    endSessionsWrites(user.id, currentSessionId, 'mfa_changed'),
  );
  await audit(deps, actor, AuditAction.MFA_DISABLED, user.username);
}
