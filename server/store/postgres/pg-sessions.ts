import type { SessionStore } from '../contract.ts';
import { type SessionRow, toPolicy, toSession } from '../rows.ts';
import {
  AUDIT_PAGE,
  DELETE_SESSION,
  END_SESSIONS_WITHOUT_MFA,
  END_USER_SESSIONS,
  INSERT_SESSION,
  POLICY,
  PRUNE_CHALLENGES,
  PRUNE_PENDING_FACTORS,
  PRUNE_SAML_ASSERTIONS,
  PRUNE_SAML_REQUESTS,
  PRUNE_SESSIONS,
  PUT_POLICY,
  SESSION_BY_ID,
  TOUCH_SESSION,
} from '../statements.ts';
import type { AuditEvent } from '../types.ts';
import { type Pool, query, transaction } from './pg-connection.ts';

/**
 * Sessions, the company policy, the audit log and housekeeping of the PostgreSQL store. Nothing
 * is cached in the process: every instance reads sessions and the policy from the database on
 * each request, so a revocation or policy change on one instance holds on all at the next request.
 */
export function pgSessions(pool: Pool): SessionStore {
  return {
    async createSession(s) {
      await query(pool, INSERT_SESSION, [s.id, s.userId, s.createdAt, s.expiresAt, s.ip]);
    },
    async getSession(id) {
      const { rows } = await query<SessionRow>(pool, SESSION_BY_ID, [id]);
      return rows[0] ? toSession(rows[0]) : null;
    },
    async touchSession(id, now) {
      await query(pool, TOUCH_SESSION, [id, now]);
    },
    async deleteSession(id) {
      await query(pool, DELETE_SESSION, [id]);
    },
    async endUserSessions(userId, exceptSessionId) {
      const result = await query(pool, END_USER_SESSIONS, [userId, exceptSessionId ?? null]);
      return result.rowCount;
    },
    async getPolicy() {
      const { rows } = await query<{ value: string }>(pool, POLICY);
      return toPolicy(rows[0]);
    },
    async setPolicy(policy, { exceptSessionId }) {
      return transaction(pool, async (tx) => {
        // The upsert holds the policy row's lock until commit: concurrent policy changes apply
        // one after the other, each ending the sessions it must.
        await query(tx, PUT_POLICY, [JSON.stringify(policy)]);
        if (!policy.requireMfaForNonSsoUsers) return { endedSessions: 0 };
        const ended = await query(tx, END_SESSIONS_WITHOUT_MFA, [exceptSessionId ?? null]);
        return { endedSessions: ended.rowCount };
      });
    },
    async appendAudit(events) {
      if (events.length === 0) return;
      // One statement whatever the number of events: a column of values each.
      await query(
        pool,
        `INSERT INTO audit_events (at, actor, action, target, ip)
         SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[])`,
        [
          events.map((e) => e.at),
          events.map((e) => e.actor),
          events.map((e) => e.action),
          events.map((e) => e.target),
          events.map((e) => e.ip),
        ],
      );
    },
    async listAudit({ limit, cursor }) {
      const { rows } = await query<AuditEvent>(pool, AUDIT_PAGE, [
        cursor ?? Number.MAX_SAFE_INTEGER,
        limit + 1,
      ]);
      const events = rows.slice(0, limit);
      const last = events.at(-1);
      return { events, nextCursor: rows.length > limit && last ? last.id : null };
    },
    async pruneExpired(now, sessionIdleMs) {
      await transaction(pool, async (tx) => {
        await query(tx, PRUNE_CHALLENGES, [now]);
        await query(tx, PRUNE_PENDING_FACTORS, [now]);
        await query(tx, PRUNE_SESSIONS, [now, now - sessionIdleMs]);
        await query(tx, PRUNE_SAML_REQUESTS, [now]);
        await query(tx, PRUNE_SAML_ASSERTIONS, [now]);
        await query(tx, 'DELETE FROM rate_limits WHERE 2 * window_end - window_start <= $1', [now]);
      });
    },
  };
}
