import type { User } from '../client/index.ts';

/** Detail of `mfa-enrolled`: the signed-in user in the login set-up flow, null in the profile flow. */
export interface MfaEnrolledDetail {
  user: User | null;
}

/** Detail of `mfa-authenticated`: who signed in, and whether a recovery code was spent. */
export interface MfaAuthenticatedDetail {
  user: User;
  usedRecoveryCode: boolean;
}

/** Detail of `mfa-error`: the stable code (API error map or client code) and the message shown. */
export interface MfaErrorDetail {
  code: string;
  message: string;
}

/** Detail of `mfa-mode-changed`: whether `<mfa-challenge>` now asks for a recovery code. */
export interface MfaModeChangedDetail {
  recovery: boolean;
}

/** Events the elements dispatch; all bubble and cross shadow roots (composed). */
export interface MfaEventMap {
  'mfa-enrolled': CustomEvent<MfaEnrolledDetail>;
  'mfa-recovery-codes-saved': CustomEvent<Record<string, never>>;
  'mfa-authenticated': CustomEvent<MfaAuthenticatedDetail>;
  'mfa-error': CustomEvent<MfaErrorDetail>;
  'mfa-mode-changed': CustomEvent<MfaModeChangedDetail>;
}

/**
 * Dispatches one of the documented events from `target`, bubbling and composed.
 *
 * @example emit(this, 'mfa-error', { code, message });
 */
export function emit<K extends keyof MfaEventMap>(
  target: EventTarget,
  type: K,
  detail: MfaEventMap[K]['detail'],
): void {
  target.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
}

declare global {
  interface HTMLElementEventMap extends MfaEventMap {}
}
