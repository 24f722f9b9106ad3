import type { Store } from '../contract.ts';
import type { SessionMethods } from '../method-groups.ts';
import { type SessionRow, toPolicy, toSession } from '../rows.ts';
import type { AuditEvent } from '../types.ts';
import { type Sql, transaction } from './pg-connection.ts';

/**
 * Sessions, the company policy, the audit log and housekeeping of the PostgreSQL store. Nothing
 * is cached in the process: every instance reads sessions and the policy from the database on
 * each request, so a revocation or policy change on one instance holds on all at the next request.
 */
export function pgSessions(sql: Sql): Pick<Store, SessionMethods> {
  return {
    async createSession(s) {
      await sql`
        INSERT INTO sessions (id, user_id, created_at, last_seen_at, expires_at, ip)
        VALUES (${s.id}, ${s.userId}, ${s.createdAt}, ${s.createdAt}, ${s.expiresAt}, ${s.ip})`;
    },
    async getSession(id) {
      const [r] = await sql<SessionRow[]>`SELECT * FROM sessions WHERE id = ${id}`;
      return r ? toSession(r) : null;
    },
    async touchSession(id, now) {
      await sql`UPDATE sessions SET last_seen_at = ${now} WHERE id = ${id} AND last_seen_at < ${now}`;
    },
    async deleteSession(id) {
      await sql`DELETE FROM sessions WHERE id = ${id}`;
    },
    async endUserSessions(userId, exceptSessionId) {
      const result = await sql`
        DELETE FROM sessions WHERE user_id = ${userId}
          AND id IS DISTINCT FROM ${exceptSessionId ?? null}`;
      return result.count;
    },
    async getPolicy() {
      const [row] = await sql<{ value: string }[]>`SELECT value FROM settings WHERE key = 'policy'`;
      return toPolicy(row);
    },
    async setPolicy(policy, { exceptSessionId }) {
      return transaction(sql, async (tx) => {
        // The upsert holds the policy row's lock until commit: concurrent policy changes apply
        // one after the other, each ending the sessions it must.
        await tx`INSERT INTO settings (key, value) VALUES ('policy', ${JSON.stringify(policy)})
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value`;
        if (!policy.requireMfaForNonSsoUsers) return { endedSessions: 0 };
        const ended = await tx`
          DELETE FROM sessions WHERE id IS DISTINCT FROM ${exceptSessionId ?? null}
            AND user_id IN (SELECT u.id FROM users u WHERE u.auth_type = 'password'
              AND NOT EXISTS (SELECT 1 FROM factors f WHERE f.user_id = u.id AND f.status = 'active'))`;
        return { endedSessions: ended.count };
      });
    },
    async appendAudit(events) {
      if (events.length === 0) return;
      const rows = events.map((e) => ({
        at: e.at,
        actor: e.actor,
        action: e.action,
        target: e.target,
        ip: e.ip,
      }));
      await sql`INSERT INTO audit_events ${sql(rows, 'at', 'actor', 'action', 'target', 'ip')}`;
    },
    async listAudit({ limit, cursor }) {
      const rows = await sql<AuditEvent[]>`
        SELECT id, at, actor, action, target, ip FROM audit_events
        WHERE id < ${cursor ?? Number.MAX_SAFE_INTEGER} ORDER BY id DESC LIMIT ${limit + 1}`;
      const events = rows.slice(0, limit).map((r) => ({ ...r }));
      const last = events.at(-1);
      return { events, nextCursor: rows.length > limit && last ? last.id : null };
    },
    async pruneExpired(now, sessionIdleMs) {
      await transaction(sql, async (tx) => {
        await tx`DELETE FROM challenges WHERE expires_at <= ${now}`;
        await tx`DELETE FROM factors WHERE status = 'pending' AND expires_at <= ${now}`;
        await tx`DELETE FROM sessions WHERE expires_at <= ${now} OR last_seen_at <= ${now - sessionIdleMs}`;
        await tx`DELETE FROM rate_limits WHERE window_end <= ${now}`;
      });
    },
  };
}
