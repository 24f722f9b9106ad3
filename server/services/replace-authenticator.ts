import QRCode from 'qrcode';
import { ErrorCode } from '../../sdk/client/error-codes.ts';
import { generateSecret } from '../../sdk/otp/index.ts';
import { openSecret, sealSecret } from '../../sdk/verifier/secret-box.ts';
import { filling } from '../crypto/tokens.ts';
import { AppError } from '../errors.ts';
import type { UserRecord } from '../store/contract.ts';
import { endSessionsWrites } from '../store/statements.ts';
import { AuditAction, audit } from './audit.ts';
import type { Actor, Deps } from './deps.ts';
import type { SetupKey } from './enrolment.ts';
import { reservePasswordAttempt } from './password-guard.ts';
import {
  factorUserId,
  keyUriOf,
  notEnabled,
  refuseCode,
  verifySecondFactor,
} from './second-factor.ts';

/** A started replacement: the new key to scan, and the sealed token that finishes it. */
export interface Replacement extends SetupKey {
  replacementToken: string;
}

/** What a replacement token holds (sealed: only this server reads it). */
interface Sealed {
  /** The new secret (base32). */
  s: string;
  /** When the factor it replaces was enabled (it must still be). */
  e: number;
  /** Until when it can be finished (epoch ms). */
  x: number;
}

const wrongPassword = () => new AppError(ErrorCode.INVALID_CREDENTIALS, 'Wrong password.');
const stale = () =>
  new AppError(
    ErrorCode.ENROLMENT_NOT_STARTED,
    'This replacement has expired or was finished already: start again.',
  );

/**
 * The signed-in user's password, checked like the login's: argon2id under the same password
 * lockout (counted by the username and the client's address, password-guard.ts), so a left-open
 * session is no faster way to guess it.
 */
async function checkPassword(deps: Deps, user: UserRecord, password: string, actor: Actor) {
  const attempt = await reservePasswordAttempt(deps, user.username, actor.ip);
  if (!user.passwordHash) {
    await deps.hasher.burn(password);
    await attempt.failed();
    throw wrongPassword();
  }
  if (!(await deps.hasher.verify(user.passwordHash, password))) {
    const locked = await attempt.failed();
    await audit(deps, actor, AuditAction.LOGIN_FAILED, user.username);
    if (locked) await audit(deps, actor, AuditAction.LOGIN_LOCKED, user.username);
    throw wrongPassword();
  }
  await attempt.succeeded();
}

/**
 * Replace-my-authenticator, first step (a lost or new phone): the user proves themselves with
 * their password and a current code or an unused recovery code (spent by this), and gets a new
 * key to scan. Nothing changes yet: the old key keeps working until {@link finishReplacement}
 * checks a code of the new one. The new key travels only in the answer and, sealed, in the
 * token (AES-GCM bound to the user), so no half-done replacement is stored.
 *
 * @example const { otpauthUri, replacementToken } = await startReplacement(deps, user, pw, code, actor);
 */
export async function startReplacement(
  deps: Deps,
  user: UserRecord,
  password: string,
  code: string,
  actor: Actor,
): Promise<Replacement> {
  const { store, clock, config, keyring, random } = deps;
  const factor = await store.getFactor(user.id);
  if (factor?.status !== 'active' || factor.enabledAt === null) throw notEnabled();
  await checkPassword(deps, user, password, actor);
  await verifySecondFactor(deps, user, code, actor);
  const secret = generateSecret(20, filling(random));
  const expiresAt = clock.now() + config.limits.enrolmentTtlMs;
  const sealed: Sealed = { s: secret, e: factor.enabledAt, x: expiresAt };
  const otpauthUri = keyUriOf(deps, user, secret);
  const qrSvg = await QRCode.toString(otpauthUri, {
    type: 'svg',
    margin: 1,
    errorCorrectionLevel: 'M',
  });
  return {
    secret,
    otpauthUri,
    qrSvg,
    expiresAt: new Date(expiresAt).toISOString(),
    replacementToken: sealSecret(keyring, JSON.stringify(sealed), `replace:${user.id}`),
  };
}

/** The token's content, or null when it is not this user's, not ours, or not well formed. */
function openToken(deps: Deps, user: UserRecord, token: string): Sealed | null {
  try {
    const v = JSON.parse(openSecret(deps.keyring, token, `replace:${user.id}`)) as Partial<Sealed>;
    const ok = typeof v.s === 'string' && typeof v.e === 'number' && typeof v.x === 'number';
    return ok ? (v as Sealed) : null;
  } catch {
    return null;
  }
}

/**
 * Replace-my-authenticator, second step: a code of the new key (under the MFA lockout) makes it
 * the user's key — from then on only the new phone's codes work — the recovery codes stay, the
 * user's other sessions end, and it is audited as `mfa.replaced`. Refused as
 * `ENROLMENT_NOT_STARTED` once expired (10 min), finished, or overtaken by a reset, disable or
 * another replacement.
 */
export async function finishReplacement(
  deps: Deps,
  user: UserRecord,
  token: string,
  code: string,
  actor: Actor,
  currentSessionId: string,
): Promise<void> {
  const sealed = openToken(deps, user, token);
  if (!sealed || sealed.x <= deps.clock.now()) throw stale();
  const decision = await deps.store.runFactorFlow(
    deps.mfa.replaceSecret(factorUserId(user), { secret: sealed.s, enabledAt: sealed.e, code }),
    (result) =>
      'replaced' in result ? endSessionsWrites(user.id, currentSessionId, 'mfa_changed') : [],
  );
  const { result } = decision;
  if ('replaced' in result) {
    await audit(deps, actor, AuditAction.MFA_REPLACED, user.username);
    return;
  }
  switch (result.refused) {
    case 'MFA_NOT_ENABLED':
      throw notEnabled();
    case 'STALE':
      throw stale();
    case 'LOCKED':
      return refuseCode(deps, user, actor, decision.events, result.retryAfter);
    case 'WRONG':
      return refuseCode(deps, user, actor, decision.events, undefined);
  }
}
