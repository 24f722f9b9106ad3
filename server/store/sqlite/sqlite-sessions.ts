import type Database from 'better-sqlite3';
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
  INSERT_AUDIT,
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
import type { RunRows } from '../user-page.ts';
import { statement } from './statement.ts';
import type { Write } from './write-batch.ts';

/**
 * Sessions, the company policy, the audit log and housekeeping of the SQLite store. The audit
 * log reads through `reads` (the read thread); housekeeping and the policy's session ends write
 * in batches of {@link HOUSEKEEPING_BATCH}, one commit (one event-loop turn) each.
 */
export function sqliteSessions(db: Database.Database, write: Write, reads: RunRows): SessionStore {
  const insert = statement(db, INSERT_SESSION);
  const get = statement<SessionRow>(db, SESSION_BY_ID);
  const touch = statement(db, TOUCH_SESSION);
  const del = statement(db, DELETE_SESSION);
  const endForUser = statement(db, END_USER_SESSIONS);
  const recordEnded = statement(db, RECORD_ENDED_USER_SESSIONS);
  const endedReason = statement<{ reason: SessionEndReason }>(db, ENDED_SESSION_REASON);
  const getPolicy = statement<{ value: string }>(db, POLICY);
  const putPolicy = statement(db, PUT_POLICY);
  const sessionWindowEnd = statement<{ id: string }>(db, SESSION_WINDOW_END);
  const endWithoutMfa = [false, true].map((bounded) =>
    statement(db, endSessionsWithoutMfaStatement(bounded)),
  );
  const recordWithoutMfa = [false, true].map((bounded) =>
    statement(db, recordSessionsWithoutMfaStatement(bounded)),
  );
  const insertAudit = statement(db, INSERT_AUDIT);
  const prune = [
    PRUNE_CHALLENGES_BATCH,
    PRUNE_EXPIRED_ENROLMENTS,
    PRUNE_EXPIRED_SESSIONS_BATCH,
    PRUNE_IDLE_SESSIONS_BATCH,
    PRUNE_LOGIN_FAILURES_BATCH,
    PRUNE_ENDED_SESSIONS_BATCH,
  ].map((text) => statement(db, text));
  const pruneSaml = [PRUNE_SAML_REQUESTS, PRUNE_SAML_ASSERTIONS].map((text) => statement(db, text));

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
    async endUserSessions(userId, exceptSessionId, reason) {
      return write(
        () => {
          if (reason) recordEnded.run(userId, exceptSessionId ?? null, reason);
          return endForUser.run(userId, exceptSessionId ?? null).changes;
        },
        { atomic: true },
      );
    },
    async endedSessionReason(id, now) {
      return endedReason.get(id, now)?.reason ?? null;
    },
    async getPolicy() {
      return toPolicy(getPolicy.get());
    },
    async setPolicy(policy, { exceptSessionId }) {
      await write(() => putPolicy.run(JSON.stringify(policy)));
      if (!policy.requireMfaForNonSsoUsers) return { endedSessions: 0 };
      let endedSessions = 0;
      for (let after = ''; ; ) {
        const { ended, end } = await write(
          () => {
            const end = sessionWindowEnd.get(after, HOUSEKEEPING_BATCH - 1)?.id ?? null;
            const except = exceptSessionId ?? null;
            const args = end === null ? [after, except] : [after, except, end];
            const bounded = end === null ? 0 : 1;
            recordWithoutMfa[bounded]!.run(...args);
            return { ended: endWithoutMfa[bounded]!.run(...args).changes, end };
          },
          { atomic: true },
        );
        endedSessions += ended;
        if (end === null) return { endedSessions };
        after = end;
      }
    },
    async appendAudit(events) {
      await write(
        () => {
          for (const e of events) insertAudit.run(e.at, e.actor, e.action, e.target, e.ip);
        },
        { atomic: true },
      );
    },
    async listAudit(query) {
      return listAuditPage(query, reads);
    },
    async pruneExpired(now, sessionIdleMs) {
      const limits = [now, now, now, now - sessionIdleMs, now, now];
      for (const [i, batch] of prune.entries()) {
        const limit = limits[i];
        while (
          (await write(() => batch.run(limit, HOUSEKEEPING_BATCH).changes)) === HOUSEKEEPING_BATCH
        );
      }
      await write(() => {
        for (const saml of pruneSaml) saml.run(now);
      });
    },
  };
}
