import QRCode from 'qrcode';
import { ErrorCode } from '../../sdk/client/error-codes.ts';
import { AppError } from '../errors.ts';
import type { UserRecord } from '../store/contract.ts';
import { CLEAR_MUST_SETUP_MFA } from '../store/statements.ts';
import { AuditAction, audit } from './audit.ts';
import type { Actor, Deps } from './deps.ts';
import { factorUserId, refuseCode } from './second-factor.ts';

export interface SetupKey {
  secret: string;
  otpauthUri: string;
  qrSvg: string;
  expiresAt: string;
}

/**
 * Starts a set-up: a new 20-byte secret, stored encrypted as the user's pending factor for 10
 * minutes (the verifier's enrolment flow), returned once (with its key URI and QR code) for the
 * authenticator.
 *
 * @example const key = await startEnrolment(deps, user);
 */
export async function startEnrolment(deps: Deps, user: UserRecord): Promise<SetupKey> {
  const started = deps.mfa.enrol(factorUserId(user), {
    issuer: deps.config.issuer,
    account: user.username,
  });
  const { result: expiresAt } = await deps.store.runFactorFlow(started.flow);
  if (expiresAt === null) {
    throw new AppError(ErrorCode.MFA_ALREADY_ENABLED, 'MFA is already enabled; disable it first.');
  }
  const qrSvg = await QRCode.toString(started.uri, {
    type: 'svg',
    margin: 1,
    errorCorrectionLevel: 'M',
  });
  return {
    secret: started.secret,
    otpauthUri: started.uri,
    qrSvg,
    expiresAt: new Date(expiresAt).toISOString(),
  };
}

/**
 * Enables the pending factor with a first code from the authenticator (the verifier's confirm
 * flow, under the lockout): activates it with that step as the last accepted one, issues
 * recovery codes and clears "must set up MFA", in one commit.
 *
 * @returns the recovery codes, to show once
 */
export async function completeEnrolment(
  deps: Deps,
  user: UserRecord,
  code: string,
  actor: Actor,
): Promise<string[]> {
  const decision = await deps.store.runFactorFlow(
    deps.mfa.confirm(factorUserId(user), code),
    (result) =>
      'recoveryCodes' in result ? [{ text: CLEAR_MUST_SETUP_MFA, values: [user.id] }] : [],
  );
  const { result } = decision;
  if ('recoveryCodes' in result) {
    await audit(deps, actor, AuditAction.MFA_ENABLED, user.username);
    return result.recoveryCodes;
  }
  switch (result.refused) {
    case 'MFA_ALREADY_ENABLED':
    case 'NOT_STARTED':
      throw new AppError(
        ErrorCode.ENROLMENT_NOT_STARTED,
        'Start the MFA set-up again: it was not started or has expired.',
      );
    case 'LOCKED':
      return refuseCode(deps, user, actor, decision.events, result.retryAfter);
    case 'WRONG':
      return refuseCode(deps, user, actor, decision.events, undefined);
  }
}
