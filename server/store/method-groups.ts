/**
 * How each SQL adapter splits the `Store` contract into files: one union of method names per
 * group, so `Pick<Store, GuardMethods>` means the same methods in SQLite and PostgreSQL.
 *
 * @example
 * export function pgGuards(sql: Sql): Pick<Store, GuardMethods> { ... }
 */

/** Users: creation, lookup, password hashes and the admin listing. */
export type UserMethods =
  | 'createUser'
  | 'getUserById'
  | 'getUserByUsername'
  | 'countUsers'
  | 'setPasswordHash'
  | 'listUsers';

/** The TOTP factor and recovery codes of one user (batch disable is a group of its own). */
export type FactorMethods =
  | 'getFactor'
  | 'startEnrolment'
  | 'enableFactor'
  | 'advanceLastStep'
  | 'removeFactor'
  | 'consumeRecoveryCode'
  | 'replaceRecoveryCodes'
  | 'countRecoveryCodesLeft';

/** Failure counters, lockouts, rate limits and login challenges. */
export type GuardMethods =
  | 'getFailureState'
  | 'reserveAttempt'
  | 'recordFailure'
  | 'clearFailures'
  | 'hitRateLimit'
  | 'createChallenge'
  | 'getChallenge'
  | 'getChallengeContext'
  | 'reserveChallengeAttempt'
  | 'consumeChallenge';

/** Sessions, the company policy, the audit log and housekeeping. */
export type SessionMethods =
  | 'createSession'
  | 'getSession'
  | 'touchSession'
  | 'deleteSession'
  | 'endUserSessions'
  | 'getPolicy'
  | 'setPolicy'
  | 'appendAudit'
  | 'listAudit'
  | 'pruneExpired';
