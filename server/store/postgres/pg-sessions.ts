import type { Store } from '../contract.ts';
import type { SessionMethods } from '../method-groups.ts';
import { type SessionRow, toPolicy, toSession } from '../rows.ts';
import type { AuditEvent } from '../types.ts';
import { type Pool, query, transaction } from './pg-connection.ts';

/**
 * Sessions, the company policy, the audit log and housekeeping of the PostgreSQL store. Nothing
 * is cached in the process: every instance reads sessions and the policy from the database on
 * each request, so a revocation or policy change on one instance holds on all at the next request.
 */
export function pgSessions(pool: Pool): Pick<Store, SessionMethods> {
  return {
    async createSession(s) {
      await query(
        pool,
        `INSERT INTO sessions (id, user_id, created_at, last_seen_at, expires_at, ip)
         VALUES ($1, $2, $3, $3, $4, $5)`,
        [s.id, s.userId, s.createdAt, s.expiresAt, s.ip],
      );
    },
    async getSession(id) {
      const { rows } = await query<SessionRow>(pool, 'SELECT * FROM sessions WHERE id = $1', [id]);
      return rows[0] ? toSession(rows[0]) : null;
    },
    async touchSession(id, now) {
      await query(
        pool,
        'UPDATE sessions SET last_seen_at = $2 WHERE id = $1 AND last_seen_at < $2',
        [id, now],
      );
    },
    async deleteSession(id) {
      await query(pool, 'DELETE FROM sessions WHERE id = $1', [id]);
    },
    async endUserSessions(userId, exceptSessionId) {
      const result = await query(
        pool,
        'DELETE FROM sessions WHERE user_id = $1 AND id IS DISTINCT FROM $2',
        [userId, exceptSessionId ?? null],
      );
      return result.rowCount;
    },
    async getPolicy() {
      const { rows } = await query<{ value: string }>(
        pool,
        "SELECT value FROM settings WHERE key = 'policy'",
      );
      return toPolicy(rows[0]);
    },
    async setPolicy(policy, { exceptSessionId }) {
      return transaction(pool, async (tx) => {
        // The upsert holds the policy row's lock until commit: concurrent policy changes apply
        // one after the other, each ending the sessions it must.
        await query(
          tx,
          `INSERT INTO settings (key, value) VALUES ('policy', $1)
           ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
          [JSON.stringify(policy)],
        );
        if (!policy.requireMfaForNonSsoUsers) return { endedSessions: 0 };
        const ended = await query(
          tx,
          `DELETE FROM sessions WHERE id IS DISTINCT FROM $1
             AND user_id IN (SELECT u.id FROM users u WHERE u.auth_type = 'password'
               AND NOT EXISTS (SELECT 1 FROM factors f WHERE f.user_id = u.id AND f.status = 'active'))`,
          [exceptSessionId ?? null],
        );
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
      const { rows } = await query<AuditEvent>(
        pool,
        `SELECT id, at, actor, action, target, ip FROM audit_events
         WHERE id < $1 ORDER BY id DESC LIMIT $2`,
        [cursor ?? Number.MAX_SAFE_INTEGER, limit + 1],
      );
      const events = rows.slice(0, limit);
      const last = events.at(-1);
      return { events, nextCursor: rows.length > limit && last ? last.id : null };
    },
    async pruneExpired(now, sessionIdleMs) {
      await transaction(pool, async (tx) => {
        await query(tx, 'DELETE FROM challenges WHERE expires_at <= $1', [now]);
        await query(tx, "DELETE FROM factors WHERE status = 'pending' AND expires_at <= $1", [now]);
        await query(tx, 'DELETE FROM sessions WHERE expires_at <= $1 OR last_seen_at <= $2', [
          now,
          now - sessionIdleMs,
        ]);
        await query(tx, 'DELETE FROM rate_limits WHERE window_end <= $1', [now]);
      });
    },
  };
}
