import type { Context } from 'hono';
import { ErrorCode } from '../../sdk/client/error-codes.ts';
import { AppError } from '../errors.ts';
import type { SessionRecord, UserRecord } from '../store/contract.ts';

/** Per-request values the middlewares set for the routes. */
export interface AppEnv {
  Variables: {
    /** The client's address (see client-address.ts). */
    ip: string;
    /** The session behind the cookie, when there is a live one. */
    auth: { session: SessionRecord; user: UserRecord } | undefined;
  };
}

/** The signed-in user and session, or 401 `UNAUTHENTICATED`. */
export function authOf(c: Context<AppEnv>): { session: SessionRecord; user: UserRecord } {
  const auth = c.get('auth');
  if (!auth) throw new AppError(ErrorCode.UNAUTHENTICATED, 'Log in first.');
  return auth;
}

/** Who acts, for the audit log. */
export function actorOf(c: Context<AppEnv>): { username: string; ip: string } {
  return { username: c.get('auth')?.user.username ?? 'anonymous', ip: c.get('ip') };
}
