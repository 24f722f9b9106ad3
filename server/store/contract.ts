/**
 * The storage contract of the verification server. Every method is async so adapters for
 * networked databases (PostgreSQL) fit the same shape as the embedded SQLite one, and every
 * guarantee a caller relies on is written on the method. `test/store/contract-suite.ts` checks
 * them against any adapter.
 *
 * Conventions:
 * - Times are milliseconds since the epoch, always passed in by the caller (the store never reads
 *   a clock), so tests and several instances agree on "now".
 * - Session and challenge ids are the SHA-256 of the bearer token: the store never sees a token.
 * - Secrets arrive already encrypted, recovery codes and passwords already hashed.
 */
import type { Decision, Flow, Write } from '../../sdk/verifier/store/flow.ts';
import type {
  AuditPage,
  AuditQuery,
  ChallengeContext,
  CodeAttempt,
  CodeAttemptOutcome,
  FactorRecord,
  NewAuditEvent,
  NewChallenge,
  NewSession,
  NewUser,
  Policy,
  SamlIdpConfig,
  SamlIdpRecord,
  SessionEndReason,
  SessionRecord,
  UserCount,
  UserFilters,
  UserPage,
  UserQuery,
  UserRecord,
} from './types.ts';

export type * from './types.ts';
/** One statement of a flow or of the server's own, with its values (numbered parameters). */
export type { Decision, Flow, Write };

/** Result of {@link Store.disableFactorsForUsers}: one entry per distinct id asked for. */
export interface BatchDisableResult {
  disabled: number[];
  skipped: { id: number; reason: 'USER_NOT_FOUND' | 'MFA_NOT_ENABLED' }[];
}

/**
 * The whole store: one adapter (SQLite or PostgreSQL) implements every part. Each part is an
 * interface of its own so an adapter's modules can say which methods they hold
 * (`Pick<Store, keyof UserStore>` reads as `UserStore`).
 */
export interface Store extends UserStore, FactorStore, GuardStore, SessionStore, SamlStore {
  /** Which adapter this is, shown by `GET /api/health`. */
  readonly kind: 'sqlite' | 'postgres';
  /** Applies pending versioned migrations; safe to call on every start. */
  migrate(): Promise<void>;
  /** Waits for pending durable writes, then closes the database. */
  close(): Promise<void>;
}

/** Users: creation, lookup, password hashes and the admin listing. */
export interface UserStore {
  /** Creates a user; the username is stored lower-cased. Returns null when it is taken. */
  createUser(user: NewUser, now: number): Promise<UserRecord | null>;
  getUserById(id: number): Promise<UserRecord | null>;
  /** Case-insensitive lookup. */
  getUserByUsername(username: string): Promise<UserRecord | null>;
  countUsers(): Promise<number>;
  /** Replaces a password hash (admin CLI). Returns false for an unknown user. */
  setPasswordHash(userId: number, hash: string | null): Promise<boolean>;
  /**
   * Pages of users ordered by id, filtered by kind, MFA state and a substring of username or
   * name (see {@link UserQuery.q}); the cost follows the page, not the table.
   */
  listUsers(query: UserQuery): Promise<UserPage>;
  /**
   * How many users `listUsers` would show with these filters, counted up to `cap`: its cost
   * follows the cap, not the table. A search no index serves is not counted (`count` null).
   */
  countUserMatches(filters: UserFilters, cap: number): Promise<UserCount>;
  /**
   * How many password users have no active factor (whom the MFA policy affects), counted up to
   * `cap`: the answer is `cap` when there are at least that many.
   */
  countPasswordUsersWithoutMfa(cap: number): Promise<number>;
}

/**
 * The TOTP factor (one per user), its recovery codes and lockout, batch disable and the login's
 * code step. The rules are the verifier library's (sdk/verifier/factor-flows.ts), in its tables
 * (`mfa_verifier_factors`, `mfa_verifier_recovery_codes`, the user's id as text); the store runs
 * its flows inside its own transactions, so what the server adds commits with them.
 */
export interface FactorStore {
  /** The user's factor, pending (expired or not) or active; null when there is none. */
  getFactor(userId: number): Promise<FactorRecord | null>;
  /**
   * Runs one of the verifier's flows in one transaction: the user's factor row is locked and read
   * (concurrent flows of one user are decided one after another, on every instance, each on what
   * the previous one committed), the flow decides and its writes run, then the statements
   * `then(result)` gives (the server's own, from statements.ts: the set-up flag, ended sessions),
   * all in one commit, durable before the promise resolves. Returns the flow's decision.
   */
  runFactorFlow<T>(flow: Flow<T>, then?: (result: T) => Write[]): Promise<Decision<T>>;
  /**
   * Batch disable of a chunk in one transaction (the service sends at most 100 ids a call, so
   * sign-ins run between chunks): for each distinct id, runs `disable` (the verifier's disable
   * flow) on an active factor, ends the user's sessions except `exceptSessionId` (kept as ended
   * for `mfa_changed`, see {@link SessionStore.endedSessionReason}), and marks password users to
   * set MFA up again when `markPasswordUsersForSetup`. Unknown ids and users without an active
   * factor are skipped with a reason; ids are reported in first-seen order.
   */
  disableFactorsForUsers(
    userIds: number[],
    opts: {
      disable: (userId: string) => Flow<boolean>;
      markPasswordUsersForSetup: boolean;
      exceptSessionId?: string;
    },
  ): Promise<BatchDisableResult>;

  /**
   * A whole code step of a login, as one unit. Refused as `'challenge_ended'` (the code not
   * checked, nothing counted) unless the challenge is unconsumed, unexpired at `now` and below
   * `maxAttempts`. Otherwise the `verify` flow decides on the user's locked factor row (the
   * lockout, the replay guard, a recovery code's single use: the verifier's rules), and in the
   * same commit a success ends the challenge, creates `session`, deletes `endSessionId` (the
   * session being replaced, if any) and appends `audit`, and a wrong or spent code counts one
   * attempt on the challenge; `'decided'` resolves only once that is durable (a crash cannot
   * bring the step or the code back). So of concurrent attempts with one valid code exactly one
   * succeeds, and a recovery code is used only by a login that succeeds. Concurrent attempts of
   * one user are decided one after another: SQLite in one synchronous transaction (one process
   * owns the file), PostgreSQL in one transaction that first locks the user's row.
   */
  attemptCodeLogin(attempt: CodeAttempt): Promise<CodeAttemptOutcome>;
}

/**
 * The answer to an attempt reservation: allowed, or refused with whether a lock is the reason
 * (else attempts still in flight hold the budget) and how long to wait.
 */
export type Reservation =
  | { allowed: true }
  | { allowed: false; locked: boolean; retryAfterMs: number };

/**
 * Password attempts (counted by the name typed), rate limits and challenges.
 */
export interface GuardStore {
  // ---- password attempts, counted by the name typed ----
  /**
   * Reserves one attempt of the counter named `key` (a digest of the login name, or of the name
   * and the client's address) before a password is checked, so concurrent guesses cannot overrun
   * the limit: atomically refuses while it is locked or while `threshold` attempts are counted
   * (finished failures plus attempts in flight), otherwise counts this one. Of N concurrent calls
   * on a fresh counter, exactly `threshold` are allowed; a refusal says whether a lock is the
   * reason. The counter exists whether or not the name is a user's: an unknown name counts and
   * locks as an existing one does. Each reservation keeps the counter until `forgetAt`;
   * housekeeping then removes it unless it is locked.
   */
  reserveLoginAttempt(
    key: string,
    now: number,
    opts: { threshold: number; forgetAt: number },
  ): Promise<Reservation>;
  /**
   * After a reserved attempt failed: when the count has reached `threshold`, locks the counter
   * until `now + lockMs × (1 + escalation × n²)` (n: its locks so far; escalation 1 makes each
   * further lock longer, 0 keeps them alike) and restarts the count. Atomic; `lockedUntil` is set
   * only for the call that locked, so one lock is reported (and audited) once.
   */
  recordLoginFailure(
    key: string,
    now: number,
    opts: { threshold: number; lockMs: number; escalation: 0 | 1 },
  ): Promise<{ lockedUntil: number | null }>;
  /** Gives back a reservation whose attempt did not happen (another counter refused it). */
  releaseLoginAttempt(key: string): Promise<void>;
  /** After a right password: forgets the counter, unless a lock set meanwhile still runs. */
  clearLoginFailures(key: string, now: number): Promise<void>;

  // ---- per-address rate limits ----
  /**
   * Counts one hit on `key` in the fixed window containing `now`. Atomic across concurrent
   * callers and instances: of N concurrent hits on a fresh window, exactly `limit` are allowed.
   * (PostgreSQL counts in a table all instances share; SQLite, owned by one process, in memory.)
   */
  hitRateLimit(
    key: string,
    now: number,
    opts: { limit: number; windowMs: number },
  ): Promise<{ allowed: boolean; retryAfterMs: number }>;

  // ---- login challenges ----
  createChallenge(challenge: NewChallenge): Promise<void>;
  /**
   * The challenge with everything the code step of a login reads — its user and the user's
   * factor with its unused recovery codes — in one query, as one snapshot. Null for an unknown
   * challenge.
   */
  getChallengeContext(id: string): Promise<ChallengeContext | null>;
  /**
   * Reserves one code attempt on the challenge: true, and counted, only while it is unconsumed,
   * unexpired at `now` and has had fewer than `maxAttempts`. Of N concurrent calls on a fresh
   * challenge exactly `maxAttempts` get true. (It ends at its first success, so `maxAttempts`
   * reserved attempts mean at most that many wrong codes.)
   */
  reserveChallengeAttempt(id: string, now: number, maxAttempts: number): Promise<boolean>;
  /**
   * Ends the challenge at its first success. True only for an unconsumed challenge unexpired at
   * `now`; under concurrent calls exactly one caller gets true.
   */
  consumeChallenge(id: string, now: number): Promise<boolean>;
}

/** Sessions, the company policy, the audit log and housekeeping. */
export interface SessionStore {
  createSession(session: NewSession): Promise<void>;
  getSession(id: string): Promise<SessionRecord | null>;
  /** Records activity (sliding idle timeout). */
  touchSession(id: string, now: number): Promise<void>;
  deleteSession(id: string): Promise<void>;
  /**
   * Ends every session of the user except `exceptSessionId`; returns how many ended. With
   * `reason`, each ended session's id is kept with it, in the same transaction, until the session
   * would have expired ({@link endedSessionReason}).
   */
  endUserSessions(
    userId: number,
    exceptSessionId?: string,
    reason?: SessionEndReason,
  ): Promise<number>;
  /**
   * Why the session `id` was ended, if it was ended with a reason (by `endUserSessions`, batch
   * disable or the policy) and would not have expired by `now`; else null.
   */
  endedSessionReason(id: string, now: number): Promise<SessionEndReason | null>;

  // ---- company policy ----
  getPolicy(): Promise<Policy>;
  /**
   * Saves the policy. When it requires MFA for non-SSO users, then ends the sessions of password
   * users without an active factor, except `exceptSessionId`, in bounded windows of sessions
   * each its own commit (a session made after the save has passed MFA under the new policy),
   * keeping them as ended for `mfa_required`.
   * Returns how many sessions ended.
   */
  setPolicy(policy: Policy, opts: { exceptSessionId?: string }): Promise<{ endedSessions: number }>;

  // ---- audit log ----
  appendAudit(events: NewAuditEvent[]): Promise<void>;
  /**
   * Newest first (by time, then id), optionally filtered by actor, action and a time range;
   * `cursor` is the `nextCursor` of the previous page. Each filter is served by an index.
   */
  listAudit(query: AuditQuery): Promise<AuditPage>;
  /**
   * Deletes expired challenges, pending factors, sessions, ended-session notes, forgotten
   * password counters and rate-limit windows, by their
   * expiry indexes in bounded batches, each its own commit (sign-ins run between them).
   */
  pruneExpired(now: number, sessionIdleMs: number): Promise<void>;
}

/** SAML sign-in: the IdP configuration, the requests this server made and accepted assertions. */
export interface SamlStore {
  /** The configured IdP, or null when SSO is off. */
  getSamlIdp(): Promise<SamlIdpRecord | null>;
  /** Saves (or with null removes) the IdP configuration. */
  setSamlIdp(config: SamlIdpConfig | null, now: number): Promise<void>;
  /** Records an AuthnRequest id this server sent, answerable until `expiresAt`. */
  saveSamlRequest(id: string, now: number, expiresAt: number): Promise<void>;
  /**
   * Ends the request at its answer: true only for a live request; under concurrent calls (any
   * instance) exactly one caller gets true.
   */
  consumeSamlRequest(id: string, now: number): Promise<boolean>;
  /**
   * Remembers an accepted assertion id until `keepUntil`: true the first time, false while it is
   * remembered. Under concurrent calls with one id (any instance) exactly one caller gets true.
   */
  rememberSamlAssertion(id: string, keepUntil: number, now: number): Promise<boolean>;
}
