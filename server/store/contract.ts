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
import type {
  AuditPage,
  AuditQuery,
  ChallengeContext,
  CodeAttempt,
  CodeAttemptOutcome,
  FactorRecord,
  FailureKind,
  NewAuditEvent,
  NewChallenge,
  NewSession,
  NewUser,
  Policy,
  SamlIdpConfig,
  SamlIdpRecord,
  SessionRecord,
  UserCount,
  UserFilters,
  UserPage,
  UserQuery,
  UserRecord,
} from './types.ts';

export type * from './types.ts';

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
}

/** The TOTP factor (one per user), its recovery codes, batch disable and the login's code step. */
export interface FactorStore {
  getFactor(userId: number): Promise<FactorRecord | null>;
  /**
   * Starts a set-up: replaces any pending factor of the user with a new pending one holding
   * `secret`. Atomic: returns null, and changes nothing, when the user has an active factor.
   */
  startEnrolment(
    userId: number,
    secret: string,
    now: number,
    expiresAt: number,
  ): Promise<FactorRecord | null>;
  /**
   * Activates the pending factor `factorId` with `lastStep` as its first accepted step, replaces
   * the user's recovery codes with `recoveryCodeHashes` and clears "must set up MFA", in one
   * transaction. Returns true only if that factor was still pending and unexpired at `now`; under
   * concurrent calls for one factor exactly one caller gets true.
   */
  enableFactor(args: {
    userId: number;
    factorId: number;
    lastStep: number;
    recoveryCodeHashes: string[];
    now: number;
  }): Promise<boolean>;
  /**
   * The replay guard: moves the active factor's last accepted step to `step` only if `step` is
   * greater than the stored one, in one conditional update. Under concurrent calls with the same
   * step exactly one caller gets true. The promise resolves only after the write is durable
   * (it survives a crash or power loss), so a caller may answer "accepted" right after it.
   */
  advanceLastStep(factorId: number, step: number): Promise<boolean>;
  /**
   * Removes the user's factor (pending or active), recovery codes and second-factor lock (with the
   * locks that would make the next one longer); with `mustSetupMfa` also marks the user to set
   * MFA up at the next login. Atomic. Returns true if an active factor was removed.
   */
  removeFactor(userId: number, opts: { mustSetupMfa: boolean }): Promise<boolean>;
  /**
   * Batch disable of a chunk in one transaction (the service sends at most 100 ids a call, so
   * sign-ins run between chunks): for each distinct id, removes an active factor and the
   * recovery codes, ends the user's sessions except `exceptSessionId`, and marks password users to
   * set MFA up again when `markPasswordUsersForSetup`. Unknown ids and users without an active
   * factor are skipped with a reason; ids are reported in first-seen order.
   */
  disableFactorsForUsers(
    userIds: number[],
    opts: { markPasswordUsersForSetup: boolean; exceptSessionId?: string },
  ): Promise<BatchDisableResult>;

  /**
   * A whole code step of a login, decided as one unit: concurrent attempts of one user are
   * decided one after another, each on what the previous one wrote. Refused as
   * `'challenge_ended'` unless the challenge is unconsumed, unexpired at `now` and below
   * `maxAttempts`; as `'locked'` while the user's MFA lockout runs (the code is not checked and
   * nothing is counted). Otherwise, with the factor still active, a TOTP code's `check` decides
   * on the step stored now (a match advances it: the replay guard), and a recovery code matches
   * one of the user's unused codes (a match marks it used). A match also ends the challenge,
   * restarts the user's MFA failure count, creates `session`, deletes `endSessionId` (the session
   * being replaced, if any) and appends `audit`, all in the same commit, and `'ok'` resolves only
   * once it is durable (a crash cannot bring the step or the code back). A replayed step or a used
   * recovery code counts as wrong, and a recovery code is used only by a login that succeeds.
   * A wrong code counts one attempt on the challenge and one on the user's MFA failure
   * count, which locks the factor for `lockMs` at `threshold` in a row (`lockedUntil`). So of
   * concurrent attempts with one valid code exactly one is `'ok'`, concurrent wrong codes never
   * run past the threshold, and a right code is refused only by a lock that the wrong codes
   * decided before it set. SQLite runs it in one synchronous transaction (one process owns the
   * file); PostgreSQL in one transaction that first locks the user's row.
   */
  attemptCodeLogin(attempt: CodeAttempt): Promise<CodeAttemptOutcome>;

  // ---- recovery codes ----
  /**
   * Marks one unused recovery code (by hash) used. Under concurrent calls with the same hash
   * exactly one caller gets true; durable before it resolves, like {@link advanceLastStep}.
   */
  consumeRecoveryCode(userId: number, codeHash: string, now: number): Promise<boolean>;
  /** Replaces all recovery codes of the user at once (regeneration); the old ones stop working. */
  replaceRecoveryCodes(userId: number, codeHashes: string[]): Promise<void>;
  countRecoveryCodesLeft(userId: number): Promise<number>;
}

/**
 * The answer to an attempt reservation: allowed, or refused with whether a lock is the reason
 * (else attempts still in flight hold the budget) and how long to wait.
 */
export type Reservation =
  | { allowed: true }
  | { allowed: false; locked: boolean; retryAfterMs: number };

/**
 * Failure counters and lockouts (the user's second factor; password attempts by the name typed),
 * rate limits and challenges.
 */
export interface GuardStore {
  /**
   * Reserves one attempt before a code is checked, so concurrent guesses cannot
   * overrun the limit: atomically refuses while the user is locked or while `threshold` attempts
   * since the last success are counted (finished failures plus attempts in flight), otherwise
   * counts this one. Of N concurrent calls on a fresh counter, exactly `threshold` are allowed.
   * A refusal says whether a lock is the reason (`locked`), or attempts still in flight.
   */
  reserveAttempt(
    userId: number,
    kind: FailureKind,
    now: number,
    opts: { threshold: number },
  ): Promise<Reservation>;
  /**
   * After a reserved attempt failed: when the count has reached `threshold`, locks the user until
   * `now + lockMs × (1 + n²)` (n: the locks since the last success, so guessing has a ceiling over
   * time) and restarts the count at 0. Atomic; `lockedUntil` is set only for the call that
   * locked, so one lock is reported (and audited) once.
   */
  recordFailure(
    userId: number,
    kind: FailureKind,
    now: number,
    opts: { threshold: number; lockMs: number },
  ): Promise<{ lockedUntil: number | null }>;
  /** Gives back a reserved attempt that was not a guess (a replayed code): the count drops by one. */
  releaseAttempt(userId: number, kind: FailureKind): Promise<void>;
  /** After a success: the count restarts at 0; an active lock stays. */
  clearFailures(userId: number, kind: FailureKind): Promise<void>;

  // ---- password attempts, counted by the name typed ----
  /**
   * `reserveAttempt` for the counter named `key` (a digest of the login name, or of the name
   * and the client's address), which exists whether or not the name is a user's: an unknown
   * name counts and locks as an existing one does. Each reservation keeps the counter until
   * `forgetAt`; housekeeping then removes it unless it is locked.
   */
  reserveLoginAttempt(
    key: string,
    now: number,
    opts: { threshold: number; forgetAt: number },
  ): Promise<Reservation>;
  /**
   * `recordFailure` for a name's counter: at `threshold` it locks until
   * `now + lockMs × (1 + escalation × n²)`: escalation 1 makes each further lock longer, 0 keeps
   * them alike.
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
   * The challenge with everything the code step of a login reads — its user, the user's factor
   * and unused recovery-code count — in one query, as one snapshot. Null for an unknown challenge.
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
  /** Ends every session of the user except `exceptSessionId`; returns how many ended. */
  endUserSessions(userId: number, exceptSessionId?: string): Promise<number>;

  // ---- company policy ----
  getPolicy(): Promise<Policy>;
  /**
   * Saves the policy. When it requires MFA for non-SSO users, then ends the sessions of password
   * users without an active factor, except `exceptSessionId`, in bounded windows of sessions
   * each its own commit (a session made after the save has passed MFA under the new policy).
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
   * Deletes expired challenges, pending factors, sessions, forgotten password counters and
   * rate-limit windows, by their
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
  /** When the live (unexpired at `now`, unanswered) request `id` was made, or null. */
  getSamlRequest(id: string, now: number): Promise<{ createdAt: number } | null>;
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
