import type { FailureCounter } from '../../sdk/verifier/rules.ts';
import type { FactorRow } from '../../sdk/verifier/store/flow.ts';
/**
 * The rows both SQL adapters read back (the migrations give SQLite and PostgreSQL the same
 * snake_case columns) and the pure mappers from a row to the contract's record. Only what a
 * dialect really does differently stays in its adapter: SQLite returns booleans as 0/1, so the
 * user row is generic over its flag type.
 */
import type {
  ChallengeContext,
  ChallengeRecord,
  FactorRecord,
  Policy,
  SamlIdpRecord,
  SessionRecord,
  UserListItem,
  UserRecord,
} from './types.ts';

/** A boolean column as the driver returns it: PostgreSQL `boolean`, SQLite `0 | 1`. */
type Flag = boolean | number;

const isSet = (flag: Flag): boolean => flag === true || flag === 1;

/** A `users` row; `F` is how the driver returns `must_setup_mfa`. */
export interface UserRow<F extends Flag = Flag> {
  id: number;
  username: string;
  name: string;
  kind: UserRecord['kind'];
  role: UserRecord['role'];
  auth_type: UserRecord['authType'];
  password_hash: string | null;
  must_setup_mfa: F;
  created_at: number;
}

/**
 * @example
 * const user = row ? toUser(row) : null;
 */
export const toUser = (r: UserRow): UserRecord => ({
  id: r.id,
  username: r.username,
  name: r.name,
  kind: r.kind,
  role: r.role,
  authType: r.auth_type,
  passwordHash: r.password_hash,
  mustSetupMfa: isSet(r.must_setup_mfa),
  createdAt: r.created_at,
});

/** A row of the user listing: the user's columns but the hash, and whether a factor is active. */
export type UserListRow<F extends Flag = Flag> = Omit<
  UserRow<F>,
  'password_hash' | 'must_setup_mfa' | 'created_at'
> & { mfa: F };

/**
 * @example
 * const users = page.map(toUserListItem);
 */
export const toUserListItem = (r: UserListRow): UserListItem => ({
  id: r.id,
  username: r.username,
  name: r.name,
  kind: r.kind,
  role: r.role,
  authType: r.auth_type,
  mfaEnabled: isSet(r.mfa),
});

/** The server's columns of a verifier factor row (`mfa_verifier_factors`, and its codes left). */
export type FactorStatusRow = Pick<
  FactorRow,
  'status' | 'expires_at' | 'enabled_at' | 'locked_until' | 'codes_left'
>;

const num = (value: number | string | null): number | null =>
  value === null ? null : Number(value);

/**
 * @example
 * const [row] = runner.rows<FactorRow>(FACTOR_SNAPSHOT, [String(userId)]);
 * return row ? toFactor(row) : null;
 */
export const toFactor = (r: FactorStatusRow): FactorRecord => ({
  status: r.status,
  expiresAt: num(r.expires_at),
  enabledAt: num(r.enabled_at),
  lockedUntil: num(r.locked_until),
  recoveryCodesLeft: Number(r.codes_left),
});

/** A `login_failures` row's count and lock. */
export interface FailureRow {
  count: number;
  locks: number;
  locked_until: number | null;
}

/** The lockout rule's view of a name's counter (`lockWhenFull`, sdk/verifier/rules.ts). */
export const counterOf = (row: FailureRow): FailureCounter => ({
  failures: row.count,
  locks: row.locks,
  lockedUntil: row.locked_until,
});

/**
 * No row (the name has not failed yet, or was forgotten) means no failures and no lock.
 * @example
 * toFailureState(undefined); // { count: 0, lockedUntil: null }
 */
export const toFailureState = (
  row: FailureRow | undefined,
): { count: number; lockedUntil: number | null } => ({
  count: row?.count ?? 0,
  lockedUntil: row?.locked_until ?? null,
});

/** A `challenges` row. */
export interface ChallengeRow {
  id: string;
  user_id: number;
  kind: ChallengeRecord['kind'];
  binding: string;
  created_at: number;
  expires_at: number;
  attempts: number;
  consumed_at: number | null;
}

/**
 * @example
 * return r ? toChallenge(r) : null;
 */
const toChallenge = (r: ChallengeRow): ChallengeRecord => ({
  id: r.id,
  userId: r.user_id,
  kind: r.kind,
  binding: r.binding,
  createdAt: r.created_at,
  expiresAt: r.expires_at,
  attempts: r.attempts,
  consumedAt: r.consumed_at,
});

type Prefixed<P extends string, R> = { [K in keyof R as `${P}${K & string}`]: R[K] };
type Nullable<R> = { [K in keyof R]: R[K] | null };

/** One row of `CHALLENGE_CONTEXT` (statements.ts); the factor's columns are all null without one. */
export type ChallengeContextRow = Prefixed<'u_', UserRow> &
  Prefixed<'c_', Omit<ChallengeRow, 'user_id'>> &
  Prefixed<'f_', Nullable<FactorStatusRow>>;

/**
 * @example
 * const row = getContext.get({ 1: id });
 * return row ? toChallengeContext(row) : null;
 */
export const toChallengeContext = (r: ChallengeContextRow): ChallengeContext => ({
  challenge: toChallenge({
    id: r.c_id,
    user_id: r.u_id,
    kind: r.c_kind,
    binding: r.c_binding,
    created_at: r.c_created_at,
    expires_at: r.c_expires_at,
    attempts: r.c_attempts,
    consumed_at: r.c_consumed_at,
  }),
  user: toUser({
    id: r.u_id,
    username: r.u_username,
    name: r.u_name,
    kind: r.u_kind,
    role: r.u_role,
    auth_type: r.u_auth_type,
    password_hash: r.u_password_hash,
    must_setup_mfa: r.u_must_setup_mfa,
    created_at: r.u_created_at,
  }),
  factor:
    r.f_status === null
      ? null
      : toFactor({
          status: r.f_status,
          expires_at: r.f_expires_at,
          enabled_at: r.f_enabled_at,
          locked_until: r.f_locked_until,
          codes_left: r.f_codes_left ?? 0,
        }),
});

/** A `sessions` row. */
export interface SessionRow {
  id: string;
  user_id: number;
  created_at: number;
  last_seen_at: number;
  expires_at: number;
  ip: string;
}

/**
 * @example
 * return r ? toSession(r) : null;
 */
export const toSession = (r: SessionRow): SessionRecord => ({
  id: r.id,
  userId: r.user_id,
  createdAt: r.created_at,
  lastSeenAt: r.last_seen_at,
  expiresAt: r.expires_at,
  ip: r.ip,
});

const defaultPolicy: Policy = { requireMfaForNonSsoUsers: false };

/**
 * The stored policy (a JSON `settings` value) over the defaults, so a key added later reads as
 * its default on an older row.
 * @example
 * toPolicy(undefined); // { requireMfaForNonSsoUsers: false }
 */
export const toPolicy = (row: { value: string } | undefined): Policy =>
  row ? { ...defaultPolicy, ...(JSON.parse(row.value) as Partial<Policy>) } : defaultPolicy;

export interface SamlIdpRow {
  entity_id: string;
  sso_url: string;
  certificate: string;
  jit_kind: 'employee' | 'contact' | null;
  updated_at: number | string;
}

export const toSamlIdp = (r: SamlIdpRow): SamlIdpRecord => ({
  entityId: r.entity_id,
  ssoUrl: r.sso_url,
  certificate: r.certificate,
  jitKind: r.jit_kind,
  updatedAt: Number(r.updated_at),
});
