import type { NewAuditEvent } from '../store/contract.ts';
import type { Actor, Deps } from './deps.ts';

/** The audited actions (the list). */
export const AuditAction = {
  LOGIN_SUCCEEDED: 'login.succeeded',
  LOGIN_FAILED: 'login.failed',
  LOGIN_LOCKED: 'login.locked',
  MFA_FAILED: 'mfa.failed',
  MFA_LOCKED: 'mfa.locked',
  /** A right code sent again (a replay), or a spent recovery code: not counted as a guess. */
  MFA_REPLAYED: 'mfa.replayed',
  MFA_ENABLED: 'mfa.enabled',
  MFA_DISABLED: 'mfa.disabled',
  MFA_RESET: 'mfa.reset',
  RECOVERY_CODE_USED: 'mfa.recovery_code_used',
  RECOVERY_CODES_REGENERATED: 'mfa.recovery_codes_regenerated',
  POLICY_CHANGED: 'policy.changed',
  BATCH_MFA_DISABLED: 'batch.mfa_disabled',
  LOGOUT: 'logout',
  /** A SAML sign-in: a session without a code (SSO users). */
  SSO_SUCCEEDED: 'sso.succeeded',
  /** A SAML response refused; the target is the reason (`saml-refusals.ts`), with the NameID once it is signed. */
  SSO_REFUSED: 'sso.refused',
  /** Just-in-time creation of an SSO user at their first sign-in (when the IdP configuration allows it). */
  SSO_USER_CREATED: 'sso.user_created',
  SSO_CONFIGURED: 'sso.configured',
} as const;
export type AuditAction = (typeof AuditAction)[keyof typeof AuditAction];

/** The stored form of one audit event (for a store method that appends it in its own transaction). */
export function auditEvent(
  deps: Deps,
  actor: Actor,
  action: AuditAction,
  target: string | null,
): NewAuditEvent {
  return { at: deps.clock.now(), actor: actor.username, action, target, ip: actor.ip };
}

/** The log line of an audit event that a store method has appended. */
export function logAudited(deps: Deps, event: NewAuditEvent): void {
  deps.logger.info('audit', {
    actor: event.actor,
    action: event.action,
    target: event.target ?? '',
    ip: event.ip,
  });
}

/**
 * Appends audit events and logs them (labels only: usernames, actions, addresses).
 *
 * @example await audit(deps, actor, AuditAction.MFA_RESET, 'bob@demo.test');
 */
export async function audit(
  deps: Deps,
  actor: Actor,
  action: AuditAction,
  targets: string | null | string[] = null,
): Promise<void> {
  const at = deps.clock.now();
  const list = Array.isArray(targets) ? targets : [targets];
  await deps.store.appendAudit(
    list.map((target) => ({ at, actor: actor.username, action, target, ip: actor.ip })),
  );
  deps.logger.info('audit', {
    actor: actor.username,
    action,
    target: list.join(','),
    ip: actor.ip,
  });
}
