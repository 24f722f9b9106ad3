import { ErrorCode } from '../../sdk/client/error-codes.ts';
import { AppError } from '../errors.ts';
import type {
  BatchDisableResult,
  Policy,
  UserCount,
  UserFilters,
  UserRecord,
} from '../store/contract.ts';
import { endSessionsWrites, SET_MUST_SETUP_MFA } from '../store/statements.ts';
import { AuditAction, audit } from './audit.ts';
import type { Actor, Deps } from './deps.ts';
import { factorUserId } from './second-factor.ts';

/**
 * Saves the company policy. Turning "require MFA for non-SSO users" on ends the sessions of the
 * password users it now affects, except the acting admin's current one; `adminMustSetUp` tells
 * that admin their next login will ask for the set-up.
 */
export async function updatePolicy(
  deps: Deps,
  admin: UserRecord,
  policy: Policy,
  actor: Actor,
  currentSessionId: string,
): Promise<Policy & { adminMustSetUp: boolean }> {
  const before = await deps.store.getPolicy();
  const { endedSessions } = await deps.store.setPolicy(policy, {
    exceptSessionId: currentSessionId,
  });
  if (before.requireMfaForNonSsoUsers !== policy.requireMfaForNonSsoUsers) {
    await audit(
      deps,
      actor,
      AuditAction.POLICY_CHANGED,
      `requireMfaForNonSsoUsers=${policy.requireMfaForNonSsoUsers}`,
    );
  }
  if (endedSessions > 0) deps.logger.info('policy ended sessions', { count: endedSessions });
  const factor = await deps.store.getFactor(admin.id);
  return {
    ...policy,
    adminMustSetUp:
      policy.requireMfaForNonSsoUsers &&
      admin.authType === 'password' &&
      factor?.status !== 'active',
  };
}

/**
 * Where the admin pages' counts stop (the policy's impact, a listing's total): past it they say
 * "10 000 or more", so a count costs the same on any number of users.
 */
export const COUNT_CAP = 10_000;

/**
 * Whom turning "require MFA for non-SSO users" on would affect: the password users without an
 * active factor (their sessions end, their next login asks for the set-up), counted up to
 * {@link COUNT_CAP} so the count costs the same on any number of users.
 */
export async function policyImpact(
  deps: Deps,
): Promise<{ usersWithoutMfa: number; capped: boolean }> {
  const usersWithoutMfa = await deps.store.countPasswordUsersWithoutMfa(COUNT_CAP);
  return { usersWithoutMfa, capped: usersWithoutMfa >= COUNT_CAP };
}

/**
 * An admin's reset of a user's MFA: removes the factor and recovery codes, marks the user to set
 * MFA up at the next password login (not an SSO-only user: SSO sign-ins are not asked) and ends their sessions (all but the acting admin's current one).
 */
export async function resetUserMfa(
  deps: Deps,
  targetId: number,
  actor: Actor,
  currentSessionId: string,
): Promise<void> {
  const target = await deps.store.getUserById(targetId);
  if (!target) throw new AppError(ErrorCode.USER_NOT_FOUND, 'No such user.');
  await deps.store.runFactorFlow(deps.mfa.disable(factorUserId(target)), () => [
    // An SSO-only user has no password sign-in that could ask for the set-up: MFA is just removed.
    ...(target.passwordHash !== null ? [{ text: SET_MUST_SETUP_MFA, values: [target.id] }] : []),
    ...endSessionsWrites(target.id, currentSessionId, 'mfa_changed'),
  ]);
  await audit(deps, actor, AuditAction.MFA_RESET, target.username);
}

/** Users one transaction of a batch disable takes at most. */
export const BATCH_DISABLE_CHUNK = 100;

/**
 * How many users a listing's filters match, up to {@link COUNT_CAP} (`capped` beyond).
 *
 * @example const { count, capped } = await countListedUsers(deps, { kind: 'contact' });
 */
export function countListedUsers(deps: Deps, filters: UserFilters): Promise<UserCount> {
  return deps.store.countUserMatches(filters, COUNT_CAP);
}

/**
 * Batch disable (contacts or employees): each distinct id is reported as disabled or skipped with
 * a reason; whatever the policy, and when it requires MFA the password users set it up again.
 */
export async function batchDisableMfa(
  deps: Deps,
  userIds: number[],
  actor: Actor,
  currentSessionId: string,
): Promise<BatchDisableResult> {
  const policy = await deps.store.getPolicy();
  const result: BatchDisableResult = { disabled: [], skipped: [] };
  const ids = [...new Set(userIds)];
  // Each chunk is its own transaction, so sign-ins run between them instead of waiting behind
  // a thousand users' writes (and, on PostgreSQL, their row locks).
  for (let i = 0; i < ids.length; i += BATCH_DISABLE_CHUNK) {
    const chunk = await deps.store.disableFactorsForUsers(ids.slice(i, i + BATCH_DISABLE_CHUNK), {
      disable: (userId) => deps.mfa.disable(userId),
      markPasswordUsersForSetup: policy.requireMfaForNonSsoUsers,
      exceptSessionId: currentSessionId,
    });
    result.disabled.push(...chunk.disabled);
    result.skipped.push(...chunk.skipped);
  }
  const names = await Promise.all(
    result.disabled.map(async (id) => (await deps.store.getUserById(id))?.username ?? String(id)),
  );
  await audit(deps, actor, AuditAction.BATCH_MFA_DISABLED, names.length > 0 ? names : null);
  return result;
}
