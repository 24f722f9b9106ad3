import type { User } from '../../sdk/client/types.ts';
import type { FactorRecord, UserRecord } from '../store/contract.ts';
import type { Deps } from './deps.ts';

/** The user as the API shows it (`GET /api/me`, login answers): the client's `User`, one shape. */
export type UserView = User;

/**
 * Builds the API view of a user, with the state of their factor (`known`: the factor the caller
 * has just read in this request, saving the read).
 */
export async function userView(
  deps: Deps,
  user: UserRecord,
  known?: FactorRecord | null,
): Promise<UserView> {
  const factor = known === undefined ? await deps.store.getFactor(user.id) : known;
  const enabled = factor?.status === 'active';
  return {
    id: user.id,
    username: user.username,
    name: user.name,
    kind: user.kind,
    role: user.role,
    authType: user.authType,
    mfa: {
      enabled,
      enrolledAt: enabled && factor.enabledAt ? new Date(factor.enabledAt).toISOString() : null,
      recoveryCodesLeft: enabled ? factor.recoveryCodesLeft : 0,
    },
  };
}
