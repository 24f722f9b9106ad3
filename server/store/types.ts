/** Records exchanged through the store contract (see `contract.ts`). */
import type { Decision, Flow } from '../../sdk/verifier/store/flow.ts';
import type { VerifyResult } from '../../sdk/verifier/types.ts';

export type UserKind = 'employee' | 'contact';
export type Role = 'admin' | 'user';
export type AuthType = 'password' | 'saml';

export interface NewUser {
  username: string;
  name: string;
  kind: UserKind;
  role: Role;
  authType: AuthType;
  /** argon2id PHC string, or null for SSO users. */
  passwordHash: string | null;
}

export interface UserRecord extends NewUser {
  id: number;
  /** Set by an admin reset: the next password login must set MFA up. */
  mustSetupMfa: boolean;
  createdAt: number;
}

/** The filters of the admin listing (see {@link UserQuery}). */
export type UserFilters = Pick<UserQuery, 'kind' | 'mfa' | 'q'>;

/** A capped count of the users a listing matches; null when the search cannot be counted. */
export interface UserCount {
  count: number | null;
  /** More users match than the cap: `count` is the cap ("10 000+"). */
  capped: boolean;
}

export interface UserQuery {
  kind?: UserKind;
  mfa?: 'enabled' | 'disabled';
  /**
   * Substring of username or name, case-insensitive. Served by a trigram index when it holds
   * three letters or digits in a row; otherwise each page reads a bounded window of users, so a
   * page may hold fewer than `limit` users and still have a `nextCursor`.
   */
  q?: string;
  limit: number;
  /** Id after which the page starts. */
  cursor?: number;
}

export interface UserListItem {
  id: number;
  username: string;
  name: string;
  kind: UserKind;
  role: Role;
  authType: AuthType;
  mfaEnabled: boolean;
}

export interface UserPage {
  users: UserListItem[];
  nextCursor: number | null;
}

/**
 * The user's second factor as the server shows it: the verifier library's row
 * (`mfa_verifier_factors`, keyed by the user's id as text), whose flows make every change.
 */
export interface FactorRecord {
  status: 'pending' | 'active';
  /** Pending factors expire; active ones do not. */
  expiresAt: number | null;
  enabledAt: number | null;
  /** While a lock of the second factor runs: when it ends; else null. */
  lockedUntil: number | null;
  /** Unused recovery codes. */
  recoveryCodesLeft: number;
}

export type ChallengeKind = 'mfa' | 'setup';

export interface NewChallenge {
  /** SHA-256 of the challenge token. */
  id: string;
  userId: number;
  kind: ChallengeKind;
  /** SHA-256 of the binding token held by the client that made it. */
  binding: string;
  createdAt: number;
  expiresAt: number;
}

export interface ChallengeRecord extends NewChallenge {
  /** Code attempts reserved on it so far. */
  attempts: number;
  consumedAt: number | null;
}

/** What the code step of a login reads: {@link Store.getChallengeContext}. */
export interface ChallengeContext {
  challenge: ChallengeRecord;
  user: UserRecord;
  /** The user's factor, pending or active; null when there is none. */
  factor: FactorRecord | null;
}

/** One code step of a login: {@link Store.attemptCodeLogin}. */
export interface CodeAttempt {
  challengeId: string;
  now: number;
  /** Code attempts one challenge allows. */
  maxAttempts: number;
  /** The verifier's flow for the typed code (`factorFlows(…).verify`, sdk/verifier). */
  verify: Flow<VerifyResult | null>;
  /** Written only on success, in the same commit as the code's use and the challenge's end. */
  session: NewSession;
  endSessionId?: string;
  audit: NewAuditEvent[];
}

/** How {@link Store.attemptCodeLogin} decided. */
export type CodeAttemptOutcome =
  /** Unknown, consumed, expired or out of attempts: the code was not checked, nothing counted. */
  | { outcome: 'challenge_ended' }
  /**
   * The verifier's decision, committed: a success with the session, the challenge's end and the
   * audit; a wrong or spent code with one attempt counted on the challenge.
   */
  | { outcome: 'decided'; decision: Decision<VerifyResult | null> };

export interface NewSession {
  /** SHA-256 of the session token. */
  id: string;
  userId: number;
  createdAt: number;
  /** Absolute end of the session. */
  expiresAt: number;
  ip: string;
}

export interface SessionRecord extends NewSession {
  lastSeenAt: number;
}

/**
 * Why sessions were ended for their user, kept for each until it would have expired: MFA was
 * reset, enabled, disabled or replaced, or recovery codes were made (`mfa_changed`); the policy
 * now requires MFA (`mfa_required`); the password changed (`password_changed`).
 */
export type SessionEndReason = 'mfa_changed' | 'mfa_required' | 'password_changed';

export interface Policy {
  requireMfaForNonSsoUsers: boolean;
}

export interface NewAuditEvent {
  at: number;
  /** Username of who acted, or `anonymous`. */
  actor: string;
  action: string;
  /** Username or other label of what was acted on, or null. */
  target: string | null;
  ip: string;
}

export interface AuditEvent extends NewAuditEvent {
  id: number;
}

/** A page of the audit log: {@link Store.listAudit}. */
export interface AuditQuery {
  limit: number;
  /** The `nextCursor` of the previous page (an event id). */
  cursor?: number;
  /** Only events of this actor (a username, or `anonymous`). */
  actor?: string;
  /** Only events of this action (`login.ok`, `mfa.reset`…). */
  action?: string;
  /** Only events at or after this time (epoch ms). */
  from?: number;
  /** Only events before this time (epoch ms). */
  to?: number;
}

export interface AuditPage {
  events: AuditEvent[];
  nextCursor: number | null;
}

/** The one SAML 2.0 identity provider the company signs in with (Admin > Auth and Provision). */
export interface SamlIdpConfig {
  /** The IdP's entity id: the `Issuer` of its assertions. */
  entityId: string;
  /** Where the HTTP-Redirect AuthnRequest goes. */
  ssoUrl: string;
  /** The IdP's signing certificate, PEM: the only key a response or assertion is checked against. */
  certificate: string;
  /** Just-in-time creation of unknown NameIDs as this kind of SSO user; null (the default): off. */
  jitKind: UserKind | null;
}

export interface SamlIdpRecord extends SamlIdpConfig {
  updatedAt: number;
}
