import { type CookieJar, createCookieJar } from './cookie-jar.ts';
import { createTransport } from './transport.ts';
import type {
  AuditPage,
  AuditQuery,
  BatchDisableResult,
  CountUsersQuery,
  Health,
  ListUsersQuery,
  LoginRequest,
  LoginResult,
  MfaLoginResult,
  MfaSetup,
  MfaSetupVerifyResult,
  OpenApiDocument,
  Policy,
  PolicyResult,
  RecoveryCodes,
  SamlIdpInput,
  SamlSettings,
  User,
  UserCount,
  UserPage,
} from './types.ts';

/** Options of {@link createMfaClient}. */
export interface MfaClientOptions {
  /** Where the server is, e.g. `https://bms.example.com`. Default '' (the page's own origin). */
  baseUrl?: string;
  /** A `fetch` to use instead of the global one (tests: `(url, init) => app.request(url, init)`). */
  fetch?: typeof fetch;
  /** Browser cookie mode. Default 'same-origin': the session cookie rides along by itself. */
  credentials?: RequestCredentials;
  /**
   * Where cookies live outside a browser. Default: a new jar when there is no `document` (Node),
   * none in a browser. Pass `false` to send no cookies and no `Origin` from Node.
   */
  jar?: CookieJar | false;
}

/** The typed API client; one method per route of docs/api.md. Every method throws `MfaApiError`. */
export interface MfaClient {
  /** The jar this client keeps cookies in (Node), or undefined in a browser. */
  readonly jar: CookieJar | undefined;
  /** `POST /api/login`: password step; may ask for MFA or for MFA set-up. */
  login(body: LoginRequest): Promise<LoginResult>;
  /** `POST /api/login/mfa`: the code step; `code` is a TOTP or a recovery code. */
  loginMfa(body: { challengeId: string; code: string }): Promise<MfaLoginResult>;
  /** `POST /api/login/mfa/setup`: a secret and QR for a user the policy makes set MFA up. */
  loginMfaSetup(body: { challengeId: string }): Promise<MfaSetup>;
  /** `POST /api/login/mfa/setup/verify`: first code; signs in and returns recovery codes. */
  loginMfaSetupVerify(body: { challengeId: string; code: string }): Promise<MfaSetupVerifyResult>;
  /** `POST /api/logout`. */
  logout(): Promise<void>;
  /** `GET /api/me`: the signed-in user. */
  me(): Promise<{ user: User }>;
  /** `POST /api/me/mfa/setup`: a pending secret, kept until enabled or expired. */
  startMfaSetup(): Promise<MfaSetup>;
  /** `POST /api/me/mfa/enable`: confirms the pending secret; other sessions end. */
  enableMfa(body: { code: string }): Promise<RecoveryCodes>;
  /** `POST /api/me/mfa/recovery-codes`: new recovery codes; the old ones stop working. */
  regenerateRecoveryCodes(body: { code: string }): Promise<RecoveryCodes>;
  /** `POST /api/me/mfa/disable`: 403 `POLICY_REQUIRES_MFA` when the policy forbids it. */
  disableMfa(body: { code: string }): Promise<void>;
  /** `GET /api/admin/policy`. */
  getPolicy(): Promise<Policy>;
  /** `PUT /api/admin/policy`. */
  setPolicy(policy: Policy): Promise<PolicyResult>;
  /** `GET /api/admin/sso/saml`: the SAML IdP and the SP's values. */
  getSamlSettings(): Promise<SamlSettings>;
  /** `PUT /api/admin/sso/saml`: configure the IdP (metadata XML, or entity id + SSO URL + cert). */
  setSamlIdp(idp: SamlIdpInput): Promise<SamlSettings>;
  /** `DELETE /api/admin/sso/saml`: SSO sign-in off. */
  removeSamlIdp(): Promise<void>;
  /** `GET /api/admin/users`: filtered, paged listing. */
  listUsers(query?: ListUsersQuery): Promise<UserPage>;
  /**
   * `GET /api/admin/users/count`: how many users a listing matches, up to 10 000.
   *
   * @example
   * const { count, capped } = await client.countUsers({ kind: 'contact' });
   * label.textContent = count === null ? '' : `${count}${capped ? '+' : ''} contacts`;
   */
  countUsers(query?: CountUsersQuery): Promise<UserCount>;
  /** `POST /api/admin/users/:id/mfa/reset`: the user sets MFA up at the next login. */
  resetUserMfa(userId: number): Promise<void>;
  /** `POST /api/admin/users/mfa/disable`: batch action with a per-item result. */
  batchDisableMfa(userIds: number[]): Promise<BatchDisableResult>;
  /** `GET /api/admin/audit`: newest first. */
  audit(query?: AuditQuery): Promise<AuditPage>;
  /** `GET /api/health`. */
  health(): Promise<Health>;
  /** `GET /api/openapi.json`. */
  openapi(): Promise<OpenApiDocument>;
}

/**
 * Creates a client for the MFA Companion server. In a browser it relies on the HttpOnly session
 * cookie; in Node it keeps cookies in a jar and sends `Origin` so the CSRF check passes.
 *
 * @param options - see {@link MfaClientOptions}
 * @returns an {@link MfaClient}
 * @example
 * const client = createMfaClient({ baseUrl: 'http://localhost:3000' });
 * const step = await client.login({ username: 'ada', password: 'secret' });
 * if (step.status === 'mfa_required') await client.loginMfa({ challengeId: step.challengeId, code });
 */
export function createMfaClient({
  baseUrl = '',
  fetch: doFetch = (input, init) => globalThis.fetch(input, init),
  credentials = 'same-origin',
  jar,
}: MfaClientOptions = {}): MfaClient {
  const cookieJar =
    jar === false ? undefined : (jar ?? (inBrowser() ? undefined : createCookieJar()));
  if (cookieJar && !/^https?:\/\//.test(baseUrl)) {
    throw new TypeError(
      'createMfaClient: outside a browser, baseUrl must be an absolute http(s) URL',
    );
  }
  const send = createTransport({ baseUrl, fetch: doFetch, credentials, jar: cookieJar });
  const post = <T>(path: string, body?: unknown) => send<T>({ method: 'POST', path, body });
  const get = <T>(path: string, query?: Record<string, string | number | undefined>) =>
    send<T>({ method: 'GET', path, query });

  return {
    jar: cookieJar,
    login: (body) => post('/api/login', body),
    loginMfa: (body) => post('/api/login/mfa', body),
    loginMfaSetup: (body) => post('/api/login/mfa/setup', body),
    loginMfaSetupVerify: (body) => post('/api/login/mfa/setup/verify', body),
    logout: () => post('/api/logout'),
    me: () => get('/api/me'),
    startMfaSetup: () => post('/api/me/mfa/setup'),
    enableMfa: (body) => post('/api/me/mfa/enable', body),
    regenerateRecoveryCodes: (body) => post('/api/me/mfa/recovery-codes', body),
    disableMfa: (body) => post('/api/me/mfa/disable', body),
    getPolicy: () => get('/api/admin/policy'),
    setPolicy: (policy) => send({ method: 'PUT', path: '/api/admin/policy', body: policy }),
    getSamlSettings: () => get('/api/admin/sso/saml'),
    setSamlIdp: (idp) => send({ method: 'PUT', path: '/api/admin/sso/saml', body: idp }),
    removeSamlIdp: () => send({ method: 'DELETE', path: '/api/admin/sso/saml' }),
    listUsers: (query = {}) => get('/api/admin/users', { ...query }),
    countUsers: (query = {}) => get('/api/admin/users/count', { ...query }),
    resetUserMfa: (userId) =>
      post(`/api/admin/users/${encodeURIComponent(String(userId))}/mfa/reset`),
    batchDisableMfa: (userIds) => post('/api/admin/users/mfa/disable', { userIds }),
    audit: (query = {}) => get('/api/admin/audit', { ...query }),
    health: () => get('/api/health'),
    openapi: () => get('/api/openapi.json'),
  };
}

function inBrowser(): boolean {
  return typeof document !== 'undefined';
}
