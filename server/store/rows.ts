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
  FailureState,
  Policy,
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
  // Field by field: spreading a shared `identity(r)` object here cost 1.7–2.7 µs a call (V8
  // cloning a fresh object into a literal) against 0.03 µs, on every login's code step.
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

/** A `factors` row. */
export interface FactorRow {
  id: number;
  user_id: number;
  status: FactorRecord['status'];
  secret: string;
  last_step: number | null;
  created_at: number;
  expires_at: number | null;
  enabled_at: number | null;
}

/**
 * @example
 * return row ? toFactor(row) : null;
 */
export const toFactor = (r: FactorRow): FactorRecord => ({
  id: r.id,
  userId: r.user_id,
  status: r.status,
  secret: r.secret,
  lastStep: r.last_step,
  createdAt: r.created_at,
  expiresAt: r.expires_at,
  enabledAt: r.enabled_at,
});

/** A `failure_counters` row. */
export interface FailureRow {
  count: number;
  locked_until: number | null;
}

/**
 * No row (the user has not failed at that kind yet) means no failures and no lock.
 * @example
 * toFailureState(undefined); // { count: 0, lockedUntil: null }
 */
export const toFailureState = (row: FailureRow | undefined): FailureState => ({
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
export const toChallenge = (r: ChallengeRow): ChallengeRecord => ({
  id: r.id,
  userId: r.user_id,
  kind: r.kind,
  binding: r.binding,
  createdAt: r.created_at,
  expiresAt: r.expires_at,
  attempts: r.attempts,
  consumedAt: r.consumed_at,
});

/**
 * The challenge-context query of both SQL adapters but its parameter (each appends its own
 * placeholder): the challenge, its user, the user's factor (nulls without one) and the count of
 * unused recovery codes, in one row. Read as positional values (`raw()` in better-sqlite3,
 * `values()` in postgres.js), not as an object: the login's code step reads it on every attempt,
 * and building a 24-key row object cost half the read (7 of 15 µs measured on SQLite).
 */
export const CHALLENGE_CONTEXT_QUERY = `SELECT u.id, u.username, u.name, u.kind, u.role,
    u.auth_type, u.password_hash, u.must_setup_mfa, u.created_at,
    c.id, c.kind, c.binding, c.created_at, c.expires_at, c.attempts, c.consumed_at,
    f.id, f.status, f.secret, f.last_step, f.created_at, f.expires_at, f.enabled_at,
    (SELECT count(*) FROM recovery_codes r WHERE r.user_id = u.id AND r.used_at IS NULL)
  FROM challenges c JOIN users u ON u.id = c.user_id LEFT JOIN factors f ON f.user_id = u.id
  WHERE c.id = `;

/**
 * One row of {@link CHALLENGE_CONTEXT_QUERY}, positionally: the user's columns, the challenge's
 * (`c`), the factor's (`f`, all null without a factor) and the count, a number in SQLite and a
 * bigint's text in PostgreSQL.
 */
export type ChallengeContextValues = [
  id: UserRow['id'],
  username: UserRow['username'],
  name: UserRow['name'],
  kind: UserRow['kind'],
  role: UserRow['role'],
  authType: UserRow['auth_type'],
  passwordHash: UserRow['password_hash'],
  mustSetupMfa: UserRow['must_setup_mfa'],
  createdAt: UserRow['created_at'],
  cId: ChallengeRow['id'],
  cKind: ChallengeRow['kind'],
  cBinding: ChallengeRow['binding'],
  cCreatedAt: ChallengeRow['created_at'],
  cExpiresAt: ChallengeRow['expires_at'],
  cAttempts: ChallengeRow['attempts'],
  cConsumedAt: ChallengeRow['consumed_at'],
  fId: FactorRow['id'] | null,
  fStatus: FactorRow['status'] | null,
  fSecret: FactorRow['secret'] | null,
  fLastStep: FactorRow['last_step'],
  fCreatedAt: FactorRow['created_at'] | null,
  fExpiresAt: FactorRow['expires_at'],
  fEnabledAt: FactorRow['enabled_at'],
  recoveryCodesLeft: number | string,
];

/**
 * @example
 * const [values] = await sql`${sql.unsafe(CHALLENGE_CONTEXT_QUERY)}${id}`.values();
 * return values ? toChallengeContext(values) : null;
 */
export const toChallengeContext = (v: ChallengeContextValues): ChallengeContext => ({
  challenge: toChallenge({
    id: v[9],
    user_id: v[0],
    kind: v[10],
    binding: v[11],
    created_at: v[12],
    expires_at: v[13],
    attempts: v[14],
    consumed_at: v[15],
  }),
  user: toUser({
    id: v[0],
    username: v[1],
    name: v[2],
    kind: v[3],
    role: v[4],
    auth_type: v[5],
    password_hash: v[6],
    must_setup_mfa: v[7],
    created_at: v[8],
  }),
  factor:
    v[16] === null || v[17] === null || v[18] === null || v[20] === null
      ? null
      : toFactor({
          id: v[16],
          user_id: v[0],
          status: v[17],
          secret: v[18],
          last_step: v[19],
          created_at: v[20],
          expires_at: v[21],
          enabled_at: v[22],
        }),
  recoveryCodesLeft: Number(v[23]),
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
