/**
 * The SQL statements both adapters run, each written once. Parameters are numbered (`$1`, `$2`…):
 * node-postgres binds them from an array, better-sqlite3 by number (`sqlite/statement.ts`). Only
 * SQL both dialects read the same way goes here — upserts, `RETURNING`, `IS DISTINCT FROM`,
 * `TRUE`/`FALSE` — and no casts; what only one dialect can say (PostgreSQL's row locks and
 * arrays, SQLite's batch loops) stays in that adapter.
 */

// ---- users ----

export const INSERT_USER = `
  INSERT INTO users (username, name, kind, role, auth_type, password_hash, created_at)
  VALUES ($1, $2, $3, $4, $5, $6, $7)
  ON CONFLICT (username) DO NOTHING RETURNING *`;
export const USER_BY_ID = 'SELECT * FROM users WHERE id = $1';
export const USER_BY_USERNAME = 'SELECT * FROM users WHERE username = $1';
export const COUNT_USERS = 'SELECT count(*) AS n FROM users';
/**
 * Password users without an active factor — whom "Require MFA for non-SSO users" affects —
 * counted up to `$1`: the LIMIT bounds the scan whatever the table's size.
 */
export const COUNT_PASSWORD_USERS_WITHOUT_MFA = `
  SELECT CAST(count(*) AS INTEGER) AS n FROM (
    SELECT 1 FROM users u WHERE u.auth_type = 'password'
      AND NOT ${activeFactorOf('u.id')}
    LIMIT $1) affected`;
export const SET_PASSWORD_HASH = 'UPDATE users SET password_hash = $2 WHERE id = $1';
export const SET_MUST_SETUP_MFA = 'UPDATE users SET must_setup_mfa = TRUE WHERE id = $1';
export const CLEAR_MUST_SETUP_MFA = 'UPDATE users SET must_setup_mfa = FALSE WHERE id = $1';

// ---- the second factor ----
// Its rows are the verifier library's (sdk/verifier/store/statements.ts), keyed by the user's id
// as text, and every change of them is one of its flows; here only what the server reads with them.

/**
 * Whether the user `id` (an SQL expression) has an active factor. `CAST(… AS TEXT)` reads the
 * same in both dialects and keeps the lookup on the verifier's primary key.
 */
function activeFactorOf(id: string): string {
  return `EXISTS (SELECT 1 FROM mfa_verifier_factors f
    WHERE f.user_id = CAST(${id} AS TEXT) AND f.status = 'active')`;
}

// ---- password failures, counted by the name typed (issue 25) ----

/** A name's counter as the lockout rule reads it (`lockWhenFull`, sdk/verifier/rules.ts). */
export const LOGIN_FAILURE_STATE =
  'SELECT count, locks, locked_until FROM login_failures WHERE key = $1';
/**
 * Takes one attempt of a name's budget before the password is checked (`$1` its key, `$2` now,
 * `$3` the threshold, `$4` when an untouched row may be forgotten): refused, no row changed,
 * while locked or with the threshold's attempts already counted.
 */
export const RESERVE_LOGIN_ATTEMPT = `
  INSERT INTO login_failures AS f (key, count, forget_at) VALUES ($1, 1, $4)
  ON CONFLICT (key) DO UPDATE SET count = f.count + 1, forget_at = $4
  WHERE (f.locked_until IS NULL OR f.locked_until <= $2) AND f.count < $3`;
/** A name's counter as the lockout rule left it: `$2` the count, `$3` the locks, `$4` the lock. */
export const SET_LOGIN_COUNTER =
  'UPDATE login_failures SET count = $2, locks = $3, locked_until = $4 WHERE key = $1';
export const RELEASE_LOGIN_ATTEMPT =
  'UPDATE login_failures SET count = count - 1 WHERE key = $1 AND count > 0';
/** After a right password: the counter goes, unless a lock set meanwhile (`$2` now) still runs. */
export const CLEAR_LOGIN_FAILURES = `
  DELETE FROM login_failures WHERE key = $1 AND (locked_until IS NULL OR locked_until <= $2)`;

// ---- login challenges ----

export const INSERT_CHALLENGE = `
  INSERT INTO challenges (id, user_id, kind, binding, created_at, expires_at)
  VALUES ($1, $2, $3, $4, $5, $6)`;
export const RESERVE_CHALLENGE_ATTEMPT = `
  UPDATE challenges SET attempts = attempts + 1
  WHERE id = $1 AND consumed_at IS NULL AND expires_at > $2 AND attempts < $3`;
export const COUNT_CHALLENGE_ATTEMPT =
  'UPDATE challenges SET attempts = attempts + 1 WHERE id = $1';
export const CONSUME_CHALLENGE = `
  UPDATE challenges SET consumed_at = $2
  WHERE id = $1 AND consumed_at IS NULL AND expires_at > $2`;
/**
 * The challenge-context row (`$1`: the challenge id): the challenge, its user and the user's
 * factor (nulls without one) with its unused recovery codes, with columns prefixed by their table
 * (`u_`, `c_`, `f_`); `toChallengeContext` in rows.ts reads it.
 */
export const CHALLENGE_CONTEXT = `
  SELECT u.id AS u_id, u.username AS u_username,
    u.name AS u_name, u.kind AS u_kind, u.role AS u_role, u.auth_type AS u_auth_type,
    u.password_hash AS u_password_hash, u.must_setup_mfa AS u_must_setup_mfa,
    u.created_at AS u_created_at,
    c.id AS c_id, c.kind AS c_kind, c.binding AS c_binding, c.created_at AS c_created_at,
    c.expires_at AS c_expires_at, c.attempts AS c_attempts, c.consumed_at AS c_consumed_at,
    f.status AS f_status, f.expires_at AS f_expires_at, f.enabled_at AS f_enabled_at,
    f.locked_until AS f_locked_until,
    (SELECT count(*) FROM mfa_verifier_recovery_codes r
      WHERE r.user_id = f.user_id AND r.used_at IS NULL) AS f_codes_left
  FROM challenges c JOIN users u ON u.id = c.user_id
  LEFT JOIN mfa_verifier_factors f ON f.user_id = CAST(u.id AS TEXT)
  WHERE c.id = $1`;
/** What a code attempt reads of its challenge (`$1`) before the code is checked. */
export const CHALLENGE_STATE =
  'SELECT attempts, consumed_at, expires_at FROM challenges WHERE id = $1';

// ---- sessions, policy, audit and housekeeping ----

export const INSERT_SESSION = `
  INSERT INTO sessions (id, user_id, created_at, last_seen_at, expires_at, ip)
  VALUES ($1, $2, $3, $3, $4, $5)`;
export const SESSION_BY_ID = 'SELECT * FROM sessions WHERE id = $1';
export const TOUCH_SESSION =
  'UPDATE sessions SET last_seen_at = $2 WHERE id = $1 AND last_seen_at < $2';
export const DELETE_SESSION = 'DELETE FROM sessions WHERE id = $1';
const USER_SESSIONS_BUT = 'user_id = $1 AND id IS DISTINCT FROM $2';
export const END_USER_SESSIONS = `DELETE FROM sessions WHERE ${USER_SESSIONS_BUT}`;

/**
 * Keeps the ids of the sessions `where` selects, with `reason` (an SQL expression), until each
 * would have expired: run just before the DELETE with the same `where`, in its transaction, so
 * the next page load of an ended session can say why it ended. CAST, not `::`: SQLite reads it
 * too.
 */
export const recordEndedSessions = (where: string, reason: string) => `
  INSERT INTO ended_sessions (id, reason, expires_at)
  SELECT id, ${reason}, expires_at FROM sessions WHERE ${where}
  ON CONFLICT (id) DO NOTHING`;
/** {@link recordEndedSessions} for {@link END_USER_SESSIONS}, the reason as `$3`. */
export const RECORD_ENDED_USER_SESSIONS = recordEndedSessions(
  USER_SESSIONS_BUT,
  'CAST($3 AS TEXT)',
);
export const ENDED_SESSION_REASON =
  'SELECT reason FROM ended_sessions WHERE id = $1 AND expires_at > $2';
export const POLICY = "SELECT value FROM settings WHERE key = 'policy'";
export const PUT_POLICY = `
  INSERT INTO settings (key, value) VALUES ('policy', $1)
  ON CONFLICT (key) DO UPDATE SET value = excluded.value`;
export const INSERT_AUDIT =
  'INSERT INTO audit_events (at, actor, action, target, ip) VALUES ($1, $2, $3, $4, $5)';

// ==== listings, search, audit filters and housekeeping at scale (issue 24) ====
// Each cost follows the page or the batch, not the table: see "Scale" in server/README.md.

/** Which filters a page of users has; `userPageStatement` numbers its parameters from it. */
export interface UserPageShape {
  kind: boolean;
  mfa?: 'enabled' | 'disabled';
  /** `index`: a trigram index finds the rows; `scan`: a bounded window of ids is read. */
  search?: 'index' | 'scan';
  /** The scan window ends at a known id (more users follow it). */
  windowEnd: boolean;
}

const ACTIVE_FACTOR = activeFactorOf('u.id');

/**
 * A page of users in id order: `$1` the id after which it starts, `$2` its size, then in this
 * order those the shape has: the kind, the search (an FTS5 phrase on SQLite, an ILIKE pattern on
 * PostgreSQL, a LIKE pattern in a scan) and the scan window's last id. The MFA column is
 * computed in the outer query, for the rows of the page only. SQLite's search starts from the
 * FTS5 table in rowid order, so a common term stops at the page; PostgreSQL's planner picks the
 * trigram GIN indexes or the primary key per query (the store sends unnamed statements, which
 * are planned with their values).
 */
export function userPageStatement(dialect: 'sqlite' | 'postgres', shape: UserPageShape): string {
  return `
  SELECT p.*, ${activeFactorOf('p.id')} AS mfa
  FROM (${userMatches(dialect, shape, true)}) p
  ORDER BY p.id`;
}

/**
 * How many users a listing's filters match, counting at most `$2` of them (the cap, so the cost
 * is bounded by it, never by the table): the page's filters and parameters with `$1` 0, in no
 * particular order.
 */
export function userCountStatement(dialect: 'sqlite' | 'postgres', shape: UserPageShape): string {
  return `SELECT count(*) AS n FROM (${userMatches(dialect, shape, false)}) m`;
}

/** The users a listing's filters match after `$1`, at most `$2` (in id order when `ordered`). */
function userMatches(dialect: 'sqlite' | 'postgres', shape: UserPageShape, ordered: boolean) {
  const fts = dialect === 'sqlite' && shape.search === 'index';
  const id = fts ? 's.rowid' : 'u.id';
  const where = [`${id} > $1`];
  let n = 2;
  if (shape.kind) where.push(`u.kind = $${++n}`);
  if (shape.mfa) where.push(`${shape.mfa === 'enabled' ? '' : 'NOT '}${ACTIVE_FACTOR}`);
  if (shape.search) {
    const p = `$${++n}`;
    if (fts) where.push(`users_search MATCH ${p}`);
    else {
      const like = dialect === 'sqlite' ? 'LIKE' : 'ILIKE';
      where.push(`(u.username ${like} ${p} ESCAPE '\\' OR u.name ${like} ${p} ESCAPE '\\')`);
    }
  }
  if (shape.search === 'scan' && shape.windowEnd) where.push(`u.id <= $${++n}`);
  const from = fts ? 'users_search s JOIN users u ON u.id = s.rowid' : 'users u';
  return `SELECT ${id} AS id, u.username, u.name, u.kind, u.role, u.auth_type FROM ${from}
    WHERE ${where.join(' AND ')} ${ordered ? `ORDER BY ${id} ` : ''}LIMIT $2`;
}
/** The last id of a search's scan window (`$2` users after `$1`), or no row near the end. */
export const USER_SCAN_WINDOW_END =
  'SELECT id FROM users WHERE id > $1 ORDER BY id LIMIT 1 OFFSET $2';

/** Which filters a page of the audit log has; `auditPageStatement` numbers its parameters from it. */
export interface AuditPageShape {
  cursor: boolean;
  actor: boolean;
  action: boolean;
  from: boolean;
  to: boolean;
}

/**
 * A page of the audit log, newest first (by time, then id): `$1` its size, then in this order
 * those the shape has: the time and id of the previous page's last event, the actor, the action, the
 * first time and the time after the range (epoch ms). Each filter has an index that starts with
 * it and ends with `(at, id)`, so every page reads only its own rows.
 */
export function auditPageStatement(shape: AuditPageShape): string {
  const where: string[] = [];
  let n = 1;
  if (shape.cursor) {
    where.push(`(at, id) < ($${n + 1}, $${n + 2})`);
    n += 2;
  }
  if (shape.actor) where.push(`actor = $${++n}`);
  if (shape.action) where.push(`action = $${++n}`);
  if (shape.from) where.push(`at >= $${++n}`);
  if (shape.to) where.push(`at < $${++n}`);
  return `
  SELECT id, at, actor, action, target, ip FROM audit_events
  ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
  ORDER BY at DESC, id DESC LIMIT $1`;
}

/** Where the audit page after an event starts (the API's cursor is the event id). */
export const AUDIT_EVENT_AT = 'SELECT at FROM audit_events WHERE id = $1';

/*
 * Housekeeping, one bounded batch each (`$1` now or the idle limit, `$2` the batch size): the
 * inner query walks the expiry index from its start; the outer one repeats the condition, so a
 * row changed in between is left alone. Expired set-ups go by the verifier's
 * PRUNE_EXPIRED_ENROLMENTS.
 */
export const PRUNE_CHALLENGES_BATCH = `
  DELETE FROM challenges WHERE expires_at <= $1 AND id IN (
    SELECT id FROM challenges WHERE expires_at <= $1 ORDER BY expires_at LIMIT $2)`;
export const PRUNE_EXPIRED_SESSIONS_BATCH = `
  DELETE FROM sessions WHERE expires_at <= $1 AND id IN (
    SELECT id FROM sessions WHERE expires_at <= $1 ORDER BY expires_at LIMIT $2)`;
export const PRUNE_ENDED_SESSIONS_BATCH = `
  DELETE FROM ended_sessions WHERE expires_at <= $1 AND id IN (
    SELECT id FROM ended_sessions WHERE expires_at <= $1 ORDER BY expires_at LIMIT $2)`;
export const PRUNE_IDLE_SESSIONS_BATCH = `
  DELETE FROM sessions WHERE last_seen_at <= $1 AND id IN (
    SELECT id FROM sessions WHERE last_seen_at <= $1 ORDER BY last_seen_at LIMIT $2)`;

/** Name counters untouched since their `forget_at` and not locked (`$1` now). */
export const PRUNE_LOGIN_FAILURES_BATCH = `
  DELETE FROM login_failures
  WHERE forget_at <= $1 AND (locked_until IS NULL OR locked_until <= $1) AND key IN (
    SELECT key FROM login_failures
    WHERE forget_at <= $1 AND (locked_until IS NULL OR locked_until <= $1)
    ORDER BY forget_at LIMIT $2)`;

/** The last session id of a window of `$2` sessions after `$1` (none near the end). */
export const SESSION_WINDOW_END =
  'SELECT id FROM sessions WHERE id > $1 ORDER BY id LIMIT 1 OFFSET $2';
/**
 * Under "Require MFA for non-SSO users", one window of sessions (ids after `$1`, and up to `$3`
 * when `bounded`): those of password users without an active factor end, except `$2`. The policy
 * is saved first, so a session made meanwhile has passed MFA; the windows walk the sessions'
 * primary key, never the users table.
 */
export const endSessionsWithoutMfaStatement = (bounded: boolean) =>
  `DELETE FROM sessions WHERE ${sessionsWithoutMfa(bounded)}`;
/** Keeps the ids {@link endSessionsWithoutMfaStatement} ends, as ended by the policy. */
export const recordSessionsWithoutMfaStatement = (bounded: boolean) =>
  recordEndedSessions(sessionsWithoutMfa(bounded), "'mfa_required'");
const sessionsWithoutMfa = (bounded: boolean) => `
  id > $1 ${bounded ? 'AND id <= $3' : ''} AND id IS DISTINCT FROM $2
    AND EXISTS (SELECT 1 FROM users u WHERE u.id = sessions.user_id AND u.auth_type = 'password'
      AND NOT ${activeFactorOf('u.id')})`;

// ---- SAML sign-in (issue 19) ----

export const SAML_IDP = 'SELECT * FROM saml_idp WHERE id = 1';
export const PUT_SAML_IDP = `
  INSERT INTO saml_idp (id, entity_id, sso_url, certificate, jit_kind, updated_at)
  VALUES (1, $1, $2, $3, $4, $5)
  ON CONFLICT (id) DO UPDATE SET entity_id = excluded.entity_id, sso_url = excluded.sso_url,
    certificate = excluded.certificate, jit_kind = excluded.jit_kind,
    updated_at = excluded.updated_at`;
export const DELETE_SAML_IDP = 'DELETE FROM saml_idp WHERE id = 1';
export const INSERT_SAML_REQUEST =
  'INSERT INTO saml_requests (id, created_at, expires_at) VALUES ($1, $2, $3)';
/** A request answered once: of concurrent callers (any instance) one deletes the row. */
export const CONSUME_SAML_REQUEST =
  'DELETE FROM saml_requests WHERE id = $1 AND expires_at > $2 RETURNING id';
/**
 * An assertion id accepted once: the primary key decides between concurrent callers. An expired
 * row (kept past the assertion's own NotOnOrAfter, so pruning cannot let a live one back in) is
 * taken over by the upsert.
 */
export const REMEMBER_SAML_ASSERTION = `
  INSERT INTO saml_assertions AS a (id, expires_at) VALUES ($1, $2)
  ON CONFLICT (id) DO UPDATE SET expires_at = excluded.expires_at WHERE a.expires_at <= $3
  RETURNING id`;
export const PRUNE_SAML_REQUESTS = 'DELETE FROM saml_requests WHERE expires_at <= $1';
export const PRUNE_SAML_ASSERTIONS = 'DELETE FROM saml_assertions WHERE expires_at <= $1';
// ---- end of SAML sign-in ----

/**
 * The writes that end the user's sessions but `exceptSessionId`, each kept as ended for
 * `reason`: what a change of the second factor adds to its flow's commit (`runFactorFlow`).
 *
 * @example store.runFactorFlow(flow, () => endSessionsWrites(user.id, sessionId, 'mfa_changed'));
 */
export const endSessionsWrites = (
  userId: number,
  exceptSessionId: string | undefined,
  reason: 'mfa_changed',
): { text: string; values: unknown[] }[] => [
  { text: RECORD_ENDED_USER_SESSIONS, values: [userId, exceptSessionId ?? null, reason] },
  { text: END_USER_SESSIONS, values: [userId, exceptSessionId ?? null] },
];
