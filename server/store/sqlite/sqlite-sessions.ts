import type Database from 'better-sqlite3';
import type { SessionStore } from '../contract.ts';
import { type SessionRow, toPolicy, toSession } from '../rows.ts';
import {
  AUDIT_PAGE,
  DELETE_SESSION,
  END_SESSIONS_WITHOUT_MFA,
  END_USER_SESSIONS,
  INSERT_AUDIT,
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
import { statement } from './statement.ts';
import type { Write } from './write-batch.ts';

/** Sessions, the company policy, the audit log and housekeeping of the SQLite store. */
export function sqliteSessions(db: Database.Database, write: Write): SessionStore {
  const insert = statement(db, INSERT_SESSION);
  const get = statement<SessionRow>(db, SESSION_BY_ID);
  const touch = statement(db, TOUCH_SESSION);
  const del = statement(db, DELETE_SESSION);
  const endForUser = statement(db, END_USER_SESSIONS);
  const getPolicy = statement<{ value: string }>(db, POLICY);
  const putPolicy = statement(db, PUT_POLICY);
  const endWithoutMfa = statement(db, END_SESSIONS_WITHOUT_MFA);
  const insertAudit = statement(db, INSERT_AUDIT);
  const listAudit = statement<AuditEvent>(db, AUDIT_PAGE);
  const pruneChallenges = statement(db, PRUNE_CHALLENGES);
  const prunePendingFactors = statement(db, PRUNE_PENDING_FACTORS);
  const pruneSessions = statement(db, PRUNE_SESSIONS);
  const pruneSamlRequests = statement(db, PRUNE_SAML_REQUESTS);
  const pruneSamlAssertions = statement(db, PRUNE_SAML_ASSERTIONS);

  return {
    async createSession(s) {
      await write(() => insert.run(s.id, s.userId, s.createdAt, s.expiresAt, s.ip));
    },
    async getSession(id) {
      const r = get.get(id);
      return r ? toSession(r) : null;
    },
    async touchSession(id, now) {
      await write(() => touch.run(id, now));
    },
    async deleteSession(id) {
      await write(() => del.run(id));
    },
    async endUserSessions(userId, exceptSessionId) {
      return write(() => endForUser.run(userId, exceptSessionId ?? null).changes);
    },
    async getPolicy() {
      return toPolicy(getPolicy.get());
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
      const rows = listAudit.all(cursor ?? Number.MAX_SAFE_INTEGER, limit + 1);
      const events = rows.slice(0, limit);
      const last = events.at(-1);
      return { events, nextCursor: rows.length > limit && last ? last.id : null };
    },
    async pruneExpired(now, sessionIdleMs) {
      await write(
        () => {
          pruneChallenges.run(now);
          prunePendingFactors.run(now);
          pruneSessions.run(now, now - sessionIdleMs);
          pruneSamlRequests.run(now);
          pruneSamlAssertions.run(now);
        },
        { atomic: true },
      );
    },
  };
}
