import { newToken, tokenId } from '../crypto/tokens.ts';
import type { SessionEndReason, SessionRecord, UserRecord } from '../store/contract.ts';
import type { Deps } from './deps.ts';

/** Only touch a session row when the last touch is this old: saves a write per request. */
const TOUCH_EVERY_MS = 60_000;

/**
 * Starts a session for the user (login completion) and ends `previousId`, so the token always
 * changes at login. Returns the bearer token for the cookie; only its hash is stored.
 *
 * @example const { token, session } = await startSession(deps, user, ip, oldSessionId);
 */
export async function startSession(
  deps: Deps,
  user: UserRecord,
  ip: string,
  previousId?: string,
): Promise<{ token: string; session: SessionRecord }> {
  const now = deps.clock.now();
  const token = newToken(deps.random);
  const session = {
    id: tokenId(token),
    userId: user.id,
    createdAt: now,
    lastSeenAt: now,
    expiresAt: now + deps.config.sessionAbsoluteMs,
    ip,
  };
  await deps.store.createSession(session);
  if (previousId) await deps.store.deleteSession(previousId);
  return { token, session };
}

/**
 * The live session and user behind a token, or null: unknown, idle too long or past its
 * absolute lifetime (then it is deleted).
 */
export async function resumeSession(
  deps: Deps,
  token: string,
): Promise<{ session: SessionRecord; user: UserRecord } | null> {
  const { store, clock, config } = deps;
  const session = await store.getSession(tokenId(token));
  if (!session) return null;
  const now = clock.now();
  if (now >= session.expiresAt || now - session.lastSeenAt >= config.sessionIdleMs) {
    await store.deleteSession(session.id);
    return null;
  }
  const user = await store.getUserById(session.userId);
  if (!user) return null;
  if (now - session.lastSeenAt >= TOUCH_EVERY_MS) await store.touchSession(session.id, now);
  return { session, user };
}

/**
 * Why the session behind a token that no longer resumes was ended, when a change of how its user
 * signs in ended it (MFA changed, the policy, a new password); null for an unknown, expired or
 * logged-out one.
 *
 * @example const reason = await whySessionEnded(deps, token); // 'mfa_changed'
 */
export function whySessionEnded(deps: Deps, token: string): Promise<SessionEndReason | null> {
  return deps.store.endedSessionReason(tokenId(token), deps.clock.now());
}
