import QRCode from 'qrcode';
import { ErrorCode } from '../../sdk/client/error-codes.ts';
import { formatKeyUri, generateSecret, verifyCode } from '../../sdk/otp/index.ts';
import { newRecoveryCodes } from '../../sdk/verifier/recovery-hash.ts';
import { sealSecret } from '../../sdk/verifier/secret-box.ts';
import { filling } from '../crypto/tokens.ts';
import { AppError } from '../errors.ts';
import type { UserRecord } from '../store/contract.ts';
import { AuditAction, audit } from './audit.ts';
import type { Actor, Deps } from './deps.ts';
import { accountOf, underLockout } from './second-factor.ts';

export interface SetupKey {
  secret: string;
  otpauthUri: string;
  qrSvg: string;
  expiresAt: string;
}

/**
 * Starts a set-up: a new 20-byte secret, stored encrypted as the user's pending factor for 10
 * minutes, returned once (with its key URI and QR code) for the authenticator.
 *
 * @example const key = await startEnrolment(deps, user);
 */
export async function startEnrolment(deps: Deps, user: UserRecord): Promise<SetupKey> {
  const { store, clock, config, keyring, random } = deps;
  const secret = generateSecret(20, filling(random));
  const now = clock.now();
  const expiresAt = now + config.limits.enrolmentTtlMs;
  const factor = await store.startEnrolment(
    user.id,
    sealSecret(keyring, secret, `factor:${user.id}`),
    now,
    expiresAt,
  );
  if (!factor) {
    throw new AppError(ErrorCode.MFA_ALREADY_ENABLED, 'MFA is already enabled; disable it first.');
  }
  const otpauthUri = formatKeyUri({ ...accountOf(deps, user, factor), secret });
  const qrSvg = await QRCode.toString(otpauthUri, {
    type: 'svg',
    margin: 1,
    errorCorrectionLevel: 'M',
  });
  return { secret, otpauthUri, qrSvg, expiresAt: new Date(expiresAt).toISOString() };
}

/**
 * Enables the pending factor with a first code from the authenticator: checks it (under the
 * lockout), activates the factor with that step as the last accepted one and issues recovery codes.
 *
 * @returns the recovery codes, to show once
 */
export async function completeEnrolment(
  deps: Deps,
  user: UserRecord,
  code: string,
  actor: Actor,
): Promise<string[]> {
  const { store, clock, config } = deps;
  const factor = await store.getFactor(user.id);
  const notStarted = () =>
    new AppError(
      ErrorCode.ENROLMENT_NOT_STARTED,
      'Start the MFA set-up again: it was not started or has expired.',
    );
  if (factor?.status !== 'pending' || (factor.expiresAt ?? 0) <= clock.now()) throw notStarted();
  const step = await underLockout(deps, user, actor, async () => {
    const result = verifyCode(accountOf(deps, user, factor), code.replace(/\s+/g, ''), {
      at: clock.now(),
      window: 1,
    });
    return result.ok ? result.step : null;
  });
  const { codes, hashes } = newRecoveryCodes(
    user.id,
    config.limits.recoveryCodeCount,
    filling(deps.random),
  );
  const enabled = await store.enableFactor({
    userId: user.id,
    factorId: factor.id,
    lastStep: step,
    recoveryCodeHashes: hashes,
    now: clock.now(),
  });
  if (!enabled) throw notStarted();
  await audit(deps, actor, AuditAction.MFA_ENABLED, user.username);
  return codes;
}
