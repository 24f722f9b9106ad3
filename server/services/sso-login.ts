import { ErrorCode } from '../../sdk/client/error-codes.ts';
import { newToken } from '../crypto/tokens.ts';
import { AppError } from '../errors.ts';
import { SamlRefusal } from '../sso/saml-refusals.ts';
import { checkSamlResponse, samlSp } from '../sso/saml-validate.ts';
import type { SpUrls } from '../sso/sp-urls.ts';
import type { SamlIdpRecord, UserRecord } from '../store/contract.ts';
import { AuditAction, audit } from './audit.ts';
import type { Deps } from './deps.ts';

/** How long an AuthnRequest may be answered: the time to sign in at the IdP. */
export const SAML_REQUEST_TTL_MS = 10 * 60_000;

/** 401 `SSO_REFUSED`, with the stable reason (audited, and shown by the login page). */
export class SsoRefused extends AppError {
  constructor(readonly reason: SamlRefusal) {
    super(ErrorCode.SSO_REFUSED, `SSO sign-in refused: ${SamlRefusal[reason]}`);
  }
}

/** The configured IdP, or 404 `SSO_NOT_CONFIGURED`. */
export async function configuredIdp(deps: Deps): Promise<SamlIdpRecord> {
  const idp = await deps.store.getSamlIdp();
  if (!idp) {
    throw new AppError(ErrorCode.SSO_NOT_CONFIGURED, 'No SAML identity provider is configured.');
  }
  return idp;
}

/** A local path to go to after the sign-in (`RelayState`), or `/`: never another site. */
export function safeNext(value: string | undefined): string {
  if (!value || value.length > 512 || !/^\/(?![/\\])[\x21-\x7e]*$/.test(value)) return '/';
  return value;
}

/**
 * SP-initiated sign-in: an AuthnRequest for the HTTP-Redirect binding, its id kept in the store
 * (any instance may receive the answer) for {@link SAML_REQUEST_TTL_MS}.
 *
 * @returns the IdP URL to redirect the browser to, and the request's id (for the browser's
 *   cookie: the ACS accepts only the answer to the request that browser started)
 */
export async function startSsoLogin(
  deps: Deps,
  sp: SpUrls,
  next: string,
): Promise<{ url: string; requestId: string }> {
  const idp = await configuredIdp(deps);
  // An xsd:ID: an NCName, so it starts with '_' (base64url may start with a digit or '-').
  const id = `_${newToken(deps.random)}`;
  // A path (the built-in test IdP) is on this server's own origin.
  const ssoUrl = new URL(idp.ssoUrl, sp.acsUrl).href;
  const url = await samlSp({ ...idp, ssoUrl }, sp, () => id).getAuthorizeUrlAsync(
    safeNext(next),
    undefined,
    {},
  );
  const now = deps.clock.now();
  await deps.store.saveSamlRequest(id, now, now + SAML_REQUEST_TTL_MS);
  return { url, requestId: id };
}

/**
 * The assertion consumer service: checks the response (saml-validate.ts), then, in the store,
 * that the assertion id is new (held across instances until the assertion could no longer pass
 * the time checks) and that it answers a live request of this server (each answered once). The
 * response must answer the request this browser started (its cookie). The NameID signs in only a user of auth type SAML with that username: a password user is refused
 * even with the same e-mail (no silent account linking). An unknown NameID is created as an SSO
 * user only when the IdP configuration says so (`jitKind`, off by default).
 *
 * Every refusal is audited as `sso.refused` with its reason and throws {@link SsoRefused}.
 */
export async function finishSsoLogin(
  deps: Deps,
  sp: SpUrls,
  samlResponse: string,
  ip: string,
  /** The AuthnRequest id of the browser's cookie: the response must answer that request. */
  browserRequestId: string | undefined,
): Promise<UserRecord> {
  const { store, clock } = deps;
  const idp = await configuredIdp(deps);
  const anonymous = { username: 'anonymous', ip };
  const refuse = async (reason: SamlRefusal, nameId?: string): Promise<never> => {
    await audit(deps, anonymous, AuditAction.SSO_REFUSED, nameId ? `${reason}:${nameId}` : reason);
    throw new SsoRefused(reason);
  };
  const now = clock.now();
  const check = await checkSamlResponse(idp, sp, samlResponse, now);
  if (!check.ok) return refuse(check.reason);
  const { assertion } = check;
  // The id first: a replayed response is refused as a replay, not as an answered request.
  if (!(await store.rememberSamlAssertion(assertion.id, assertion.keepUntil, now))) {
    return refuse('replayed', assertion.nameId);
  }
  if (!(await store.consumeSamlRequest(assertion.inResponseTo, now))) {
    return refuse('unsolicited', assertion.nameId);
  }
  // A real answer to a request of ours, but one another browser started (login CSRF: someone's
  // own assertion posted into this browser). Consumed all the same: it is answered once.
  if (assertion.inResponseTo !== browserRequestId) return refuse('other_browser', assertion.nameId);
  const user = await store.getUserByUsername(assertion.nameId);
  if (user && user.authType !== 'saml') return refuse('not_sso_user', assertion.nameId);
  if (user) return user;
  if (!idp.jitKind || assertion.nameId.length > 254) {
    return refuse('unknown_user', assertion.nameId);
  }
  const name = assertion.attributes.displayName ?? assertion.attributes.name ?? assertion.nameId;
  const created = await store.createUser(
    {
      username: assertion.nameId,
      name: name.slice(0, 200),
      kind: idp.jitKind,
      role: 'user',
      authType: 'saml',
      passwordHash: null,
    },
    now,
  );
  // Lost a race with a concurrent first sign-in of the same name: that user is the one.
  const jit = created ?? (await store.getUserByUsername(assertion.nameId));
  if (jit?.authType !== 'saml') return refuse('not_sso_user', assertion.nameId);
  if (created) await audit(deps, anonymous, AuditAction.SSO_USER_CREATED, created.username);
  return jit;
}

/**
 * Before the password step: an SSO user without a password is told to use SSO (401
 * `SSO_REQUIRED`), after the same argon2id work as a wrong password. The trade-off, decided:
 * this tells a prober that a name is an SSO account, whose sign-in happens at the IdP; it never
 * tells a password account from an unknown name (both stay `INVALID_CREDENTIALS`). An SSO user
 * who was also given a password goes through the password step like everyone else.
 */
export async function refuseSsoOnlyPassword(
  deps: Deps,
  username: string,
  password: string,
  ip: string,
): Promise<void> {
  const user = await deps.store.getUserByUsername(username);
  if (user?.authType !== 'saml' || user.passwordHash !== null) return;
  await deps.hasher.burn(password);
  await audit(deps, { username: 'anonymous', ip }, AuditAction.LOGIN_FAILED, user.username);
  const idp = await deps.store.getSamlIdp();
  throw new AppError(
    ErrorCode.SSO_REQUIRED,
    idp
      ? 'This account signs in with SSO: use “Sign in with SSO”.'
      : 'This account signs in with SSO, which is not set up yet: ask your administrator.',
  );
}
