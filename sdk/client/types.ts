/**
 * Request and answer shapes of the server's HTTP API (docs/api.md), as the client sees them.
 * Kept apart from the client so pages and tests can import the types alone.
 */

/** Who a person is to the BMS: staff of the company or a client-portal contact. */
export type UserKind = 'employee' | 'contact';
/** What a person may do: admins reach `/api/admin/*`. */
export type UserRole = 'admin' | 'user';
/** How a person signs in: a password (MFA applies) or SAML SSO (the IdP vouches). */
export type AuthType = 'password' | 'saml';

/** MFA state of the signed-in user. */
export interface MfaState {
  enabled: boolean;
  /** ISO date-time of the last enrolment, or null when MFA is off. */
  enrolledAt: string | null;
  recoveryCodesLeft: number;
}

/** The signed-in user as `GET /api/me` and the login routes return it. */
export interface User {
  id: number;
  username: string;
  name: string;
  kind: UserKind;
  role: UserRole;
  authType: AuthType;
  mfa: MfaState;
}

/** Body of `POST /api/login`. */
export interface LoginRequest {
  username: string;
  password: string;
}

/** Answer of `POST /api/login`: signed in, or one more step with the given challenge. */
export type LoginResult =
  | { status: 'authenticated'; user: User }
  | { status: 'mfa_required'; challengeId: string }
  | { status: 'mfa_setup_required'; challengeId: string };

/** Answer of `POST /api/login/mfa`. */
export interface MfaLoginResult {
  status: 'authenticated';
  user: User;
  /** True when the code was a recovery code (now spent). */
  usedRecoveryCode: boolean;
}

/** A new TOTP secret to show: the secret, its key URI and a QR of that URI. */
export interface MfaSetup {
  /** Base32 secret for "Show secret key for manual configuration". */
  secret: string;
  /** `otpauth://totp/…` URI, the QR's content. */
  otpauthUri: string;
  /** The QR as an SVG document (server-made; render it through the sanitizer of sdk/elements). */
  qrSvg: string;
  /** ISO date-time after which the pending secret is dropped. */
  expiresAt: string;
}

/** Answer of `POST /api/login/mfa/setup/verify`: signed in, with the first recovery codes. */
export interface MfaSetupVerifyResult {
  status: 'authenticated';
  user: User;
  recoveryCodes: string[];
}

/** Recovery codes, shown once. */
export interface RecoveryCodes {
  recoveryCodes: string[];
}

/** The company's MFA policy. */
export interface Policy {
  requireMfaForNonSsoUsers: boolean;
}

/** Answer of `PUT /api/admin/policy`. */
export interface PolicyResult extends Policy {
  /** True when the acting admin (without MFA) must set MFA up at the next login. */
  adminMustSetUp?: boolean;
}

/** The SAML IdP as an admin gives it: its metadata XML, or its three values. */
export type SamlIdpInput =
  | { metadataXml: string; jitKind?: UserKind | null }
  | { entityId: string; ssoUrl: string; certificate: string; jitKind?: UserKind | null };

/** Answer of `GET|PUT /api/admin/sso/saml`: the IdP (null while SSO is off) and the SP's values. */
export interface SamlSettings {
  idp: {
    entityId: string;
    ssoUrl: string;
    certificate: string;
    jitKind: UserKind | null;
    updatedAt: string;
  } | null;
  sp: { entityId: string; acsUrl: string; metadataUrl: string };
}

/** Filters and paging of `GET /api/admin/users`. */
export interface ListUsersQuery {
  kind?: UserKind;
  mfa?: 'enabled' | 'disabled';
  /** Free-text search on name and username. */
  q?: string;
  /** Page size, 1–200 (default 50). */
  limit?: number;
  /** `nextCursor` of the previous page. */
  cursor?: number;
}

/** One row of the employee or contact listing. */
export interface UserListItem {
  id: number;
  username: string;
  name: string;
  kind: UserKind;
  role: UserRole;
  authType: AuthType;
  mfaEnabled: boolean;
}

/** A page of the user listing; `nextCursor` is null on the last page. */
export interface UserPage {
  users: UserListItem[];
  nextCursor: number | null;
}

/** Filters of `GET /api/admin/users/count`: those of the listing. */
export type CountUsersQuery = Pick<ListUsersQuery, 'kind' | 'mfa' | 'q'>;

/** A count of listed users, up to 10 000 (`capped` beyond); null for a search no index serves. */
export interface UserCount {
  count: number | null;
  capped: boolean;
}

/** Per-item result of the batch "Disable MFA" action. */
export interface BatchDisableResult {
  disabled: number[];
  /** Why an id was not disabled. */
  skipped: { id: number; reason: 'USER_NOT_FOUND' | 'MFA_NOT_ENABLED' }[];
}

/** Paging of `GET /api/admin/audit`. */
export interface AuditQuery {
  /** Page size, 1–200 (default 50). */
  limit?: number;
  /** `nextCursor` of the previous page. */
  cursor?: number;
}

/** One audit-log line. */
export interface AuditEvent {
  /** ISO date-time. */
  at: string;
  actor: string;
  action: string;
  target: string | null;
  ip: string;
}

/** A page of the audit log, newest first. */
export interface AuditPage {
  events: AuditEvent[];
  nextCursor: number | null;
}

/** Answer of `GET /api/health`. */
export interface Health {
  ok: true;
  store: 'sqlite' | 'postgres';
}

/** The OpenAPI document, as plain JSON. */
export type OpenApiDocument = Record<string, unknown> & { openapi: string };
