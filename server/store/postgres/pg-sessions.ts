import { PRUNE_EXPIRED_ENROLMENTS } from '../../../sdk/verifier/store/statements.ts';
import { listAuditPage } from '../audit-page.ts';
import type { SessionEndReason, SessionStore } from '../contract.ts';
import { HOUSEKEEPING_BATCH } from '../housekeeping.ts';
import { type SessionRow, toPolicy, toSession } from '../rows.ts';
import {
  DELETE_SESSION,
  END_USER_SESSIONS,
  ENDED_SESSION_REASON,
  endSessionsWithoutMfaStatement,
  INSERT_SESSION,
  POLICY,
  PRUNE_CHALLENGES_BATCH,
  PRUNE_ENDED_SESSIONS_BATCH,
  PRUNE_EXPIRED_SESSIONS_BATCH,
  PRUNE_IDLE_SESSIONS_BATCH,
  PRUNE_LOGIN_FAILURES_BATCH,
  PRUNE_SAML_ASSERTIONS,
  PRUNE_SAML_REQUESTS,
  PUT_POLICY,
  RECORD_ENDED_USER_SESSIONS,
  recordSessionsWithoutMfaStatement,
  SESSION_BY_ID,
  SESSION_WINDOW_END,
  TOUCH_SESSION,
} from '../statements.ts';
import { type Pool, query, rowsOn, transaction } from './pg-connection.ts';

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
    async endUserSessions(userId, exceptSessionId, reason) {
      const but = [userId, exceptSessionId ?? null];
      if (!reason) return (await query(pool, END_USER_SESSIONS, but)).rowCount;
      return transaction(pool, async (tx) => {
        await query(tx, RECORD_ENDED_USER_SESSIONS, [...but, reason]);
        return (await query(tx, END_USER_SESSIONS, but)).rowCount;
      });
    },
    async endedSessionReason(id, now) {
      const { rows } = await query<{ reason: SessionEndReason }>(pool, ENDED_SESSION_REASON, [
        id,
        now,
      ]);
      return rows[0]?.reason ?? null;
    },
    async getPolicy() {
      const { rows } = await query<{ value: string }>(pool, POLICY);
      return toPolicy(rows[0]);
    },
    async setPolicy(policy, { exceptSessionId }) {
      await query(pool, PUT_POLICY, [JSON.stringify(policy)]);
      if (!policy.requireMfaForNonSsoUsers) return { endedSessions: 0 };
      let endedSessions = 0;
      // Window by window over the sessions' primary key, each its own commit: no transaction
      // holds locks on a large share of the sessions at once.
      for (let after = ''; ; ) {
        const { rows } = await query<{ id: string }>(pool, SESSION_WINDOW_END, [
          after,
          HOUSEKEEPING_BATCH - 1,
        ]);
        const end = rows[0]?.id ?? null;
        const except = exceptSessionId ?? null;
        const args = end === null ? [after, except] : [after, except, end];
        endedSessions += await transaction(pool, async (tx) => {
          await query(tx, recordSessionsWithoutMfaStatement(end !== null), args);
          return (await query(tx, endSessionsWithoutMfaStatement(end !== null), args)).rowCount;
        });
        if (end === null) return { endedSessions };
        after = end;
      }
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
    async listAudit(q) {
      return listAuditPage(q, rowsOn(pool));
    },
    async pruneExpired(now, sessionIdleMs) {
      const batches: [string, number][] = [
        [PRUNE_CHALLENGES_BATCH, now],
        [PRUNE_EXPIRED_ENROLMENTS, now],
        [PRUNE_EXPIRED_SESSIONS_BATCH, now],
        [PRUNE_IDLE_SESSIONS_BATCH, now - sessionIdleMs],
        [PRUNE_LOGIN_FAILURES_BATCH, now],
        [PRUNE_ENDED_SESSIONS_BATCH, now],
      ];
      for (const [text, limit] of batches) {
        while (
          (await query(pool, text, [limit, HOUSEKEEPING_BATCH])).rowCount === HOUSEKEEPING_BATCH
        );
      }
      await query(pool, PRUNE_SAML_REQUESTS, [now]);
      await query(pool, PRUNE_SAML_ASSERTIONS, [now]);
      // One row per client address seen in the last two windows: pruned each minute, it stays small.
      await query(pool, 'DELETE FROM rate_limits WHERE 2 * window_end - window_start <= $1', [now]);
    },
  };
}
