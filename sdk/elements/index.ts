/**
 * `sdk/elements`: drop-in Lit web components for MFA: `<mfa-enroll>`, `<mfa-challenge>` and
 * `<mfa-recovery-codes>`. Importing this module defines all three.
 *
 * @example
 * import 'mfa-companion/elements';
 */
export { CountdownController, formatSeconds } from './countdown-controller.ts';
export type {
  MfaAuthenticatedDetail,
  MfaEnrolledDetail,
  MfaErrorDetail,
  MfaEventMap,
  MfaModeChangedDetail,
} from './events.ts';
export { MfaChallenge } from './mfa-challenge.ts';
export { MfaEnroll } from './mfa-enroll.ts';
export { MfaRecoveryCodes } from './mfa-recovery-codes.ts';
export { sanitizeQrSvg } from './sanitize-qr-svg.ts';
export { theme } from './theme.ts';
