import type Database from 'better-sqlite3';
import type { Store } from '../contract.ts';
import type { SessionMethods } from '../method-groups.ts';
import { type SessionRow, toPolicy, toSession } from '../rows.ts';
import type { AuditEvent } from '../types.ts';
import type { Write } from './write-batch.ts';

/** Sessions, the company policy, the audit log and housekeeping of the SQLite store. */
export function sqliteSessions(db: Database.Database, write: Write): Pick<Store, SessionMethods> {
  const insert = db.prepare(
    `INSERT INTO sessions (id, user_id, created_at, last_seen_at, expires_at, ip)
     VALUES (?, ?, ?, ?, ?, ?)`,
  );
  const get = db.prepare('SELECT * FROM sessions WHERE id = ?');
  const touch = db.prepare(
    'UPDATE sessions SET last_seen_at = ? WHERE id = ? AND last_seen_at < ?',
  );
  const del = db.prepare('DELETE FROM sessions WHERE id = ?');
  const endForUser = db.prepare('DELETE FROM sessions WHERE user_id = ? AND id IS NOT ?');
  const getPolicy = db.prepare("SELECT value FROM settings WHERE key = 'policy'");
  const putPolicy = db.prepare(
    `INSERT INTO settings (key, value) VALUES ('policy', ?)
     ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
  );
  const endWithoutMfa = db.prepare(
    `DELETE FROM sessions WHERE id IS NOT ? AND user_id IN (
       SELECT u.id FROM users u WHERE u.auth_type = 'password' AND NOT EXISTS (
         SELECT 1 FROM factors f WHERE f.user_id = u.id AND f.status = 'active'))`,
  );
  const insertAudit = db.prepare(
    'INSERT INTO audit_events (at, actor, action, target, ip) VALUES (?, ?, ?, ?, ?)',
  );
  const listAudit = db.prepare(
    'SELECT id, at, actor, action, target, ip FROM audit_events WHERE id < ? ORDER BY id DESC LIMIT ?',
  );

  return {
    async createSession(s) {
      await write(() => insert.run(s.id, s.userId, s.createdAt, s.createdAt, s.expiresAt, s.ip));
    },
    async getSession(id) {
      const r = get.get(id) as SessionRow | undefined;
      return r ? toSession(r) : null;
    },
    async touchSession(id, now) {
      await write(() => touch.run(now, id, now));
    },
    async deleteSession(id) {
      await write(() => del.run(id));
    },
    async endUserSessions(userId, exceptSessionId) {
      return write(() => endForUser.run(userId, exceptSessionId ?? null).changes);
    },
    async getPolicy() {
      const row = getPolicy.get() as { value: string } | undefined;
      return toPolicy(row);
    },
    async setPolicy(policy, { exceptSessionId }) {
      return write(
        () => {
          putPolicy.run(JSON.stringify(policy));
          if (!policy.requireMfaForNonSsoUsers) return { endedSessions: 0 };
          return { endedSessions: endWithoutMfa.run(exceptSessionId ?? null).changes };
        },
        { atomic: true },
      );
    },
    async appendAudit(events) {
      await write(
        () => {
          for (const e of events) insertAudit.run(e.at, e.actor, e.action, e.target, e.ip);
        },
        { atomic: true },
      );
    },
    async listAudit({ limit, cursor }) {
      const rows = listAudit.all(cursor ?? Number.MAX_SAFE_INTEGER, limit + 1) as AuditEvent[];
      const events = rows.slice(0, limit);
      const last = events.at(-1);
      return { events, nextCursor: rows.length > limit && last ? last.id : null };
    },
    async pruneExpired(now, sessionIdleMs) {
      await write(
        () => {
          db.prepare('DELETE FROM challenges WHERE expires_at <= ?').run(now);
          db.prepare("DELETE FROM factors WHERE status = 'pending' AND expires_at <= ?").run(now);
          db.prepare('DELETE FROM sessions WHERE expires_at <= ? OR last_seen_at <= ?').run(
            now,
            now - sessionIdleMs,
          );
        },
        { atomic: true },
      );
    },
  };
}
