/**
 * Every statement of the verifier, one text for SQLite and PostgreSQL (numbered parameters,
 * `ON CONFLICT`, `RETURNING`: both have them). Times are epoch milliseconds.
 */

/**
 * The user's factor row with their unused recovery codes counted: what every flow decides on.
 * PostgreSQL's flows add `FOR UPDATE` (the row stays locked until the transaction ends, so the
 * user's attempts are decided one after another on every instance, each on what the previous one
 * committed); SQLite's run inside `BEGIN IMMEDIATE`, which already holds the whole database.
 */
export const FACTOR_SNAPSHOT = `
  SELECT f.user_id, f.status, f.secret, f.issuer, f.account, f.last_step, f.created_at,
    f.expires_at, f.enabled_at, f.failures, f.locks, f.locked_until,
    (SELECT count(*) FROM mfa_verifier_recovery_codes r
      WHERE r.user_id = f.user_id AND r.used_at IS NULL) AS codes_left
  FROM mfa_verifier_factors f WHERE f.user_id = $1`;

/**
 * A new pending factor, or a new secret for the pending one (its failure counter stays: a new
 * set-up does not forgive wrong codes). Changes nothing while the user's factor is active.
 */
export const START_ENROLMENT = `
  INSERT INTO mfa_verifier_factors AS f
    (user_id, status, secret, issuer, account, created_at, expires_at)
  VALUES ($1, 'pending', $2, $3, $4, $5, $6)
  ON CONFLICT (user_id) DO UPDATE SET secret = excluded.secret, issuer = excluded.issuer,
    account = excluded.account, created_at = excluded.created_at, expires_at = excluded.expires_at
  WHERE f.status = 'pending'`;

export const ACTIVATE = `
  UPDATE mfa_verifier_factors SET status = 'active', last_step = $2, enabled_at = $3,
    expires_at = NULL, failures = 0, locks = 0
  WHERE user_id = $1 AND status = 'pending'`;

/** A success: the step moves on (or stays, for a recovery code) and the counter restarts. */
export const ACCEPTED = `
  UPDATE mfa_verifier_factors SET last_step = $2, failures = 0, locks = 0 WHERE user_id = $1`;

/** A wrong code counted, with the lock it may have set. */
export const COUNTED = `
  UPDATE mfa_verifier_factors SET failures = $2, locks = $3, locked_until = $4 WHERE user_id = $1`;

/** A new secret for the active factor, with its first step; the lockout's count restarts. */
export const REPLACE_SECRET = `
  UPDATE mfa_verifier_factors SET secret = $2, last_step = $3, enabled_at = $4, failures = 0,
    locks = 0
  WHERE user_id = $1 AND status = 'active'`;

export const DELETE_FACTOR = 'DELETE FROM mfa_verifier_factors WHERE user_id = $1';
export const RESEAL = 'UPDATE mfa_verifier_factors SET secret = $2 WHERE user_id = $1';
export const FACTORS_AFTER = `
  SELECT user_id, secret FROM mfa_verifier_factors WHERE user_id > $1 ORDER BY user_id LIMIT $2`;

export const INSERT_RECOVERY_CODE =
  'INSERT INTO mfa_verifier_recovery_codes (user_id, code_hash) VALUES ($1, $2)';
export const DELETE_RECOVERY_CODES = 'DELETE FROM mfa_verifier_recovery_codes WHERE user_id = $1';
/** A recovery code's single use: only an unused one changes. */
export const USE_RECOVERY_CODE = `
  UPDATE mfa_verifier_recovery_codes SET used_at = $3
  WHERE user_id = $1 AND code_hash = $2 AND used_at IS NULL`;
/** Whether a recovery code exists and was used: a spent code is told apart from a wrong one. */
export const RECOVERY_CODE_USED_AT =
  'SELECT used_at FROM mfa_verifier_recovery_codes WHERE user_id = $1 AND code_hash = $2';

const STATUS_COLUMNS = `f.user_id, f.status, f.enabled_at, f.expires_at, f.locked_until,
  (SELECT count(*) FROM mfa_verifier_recovery_codes r
    WHERE r.user_id = f.user_id AND r.used_at IS NULL) AS codes_left`;

/**
 * A page of factors in user-id order after `$1`, `$2` + 1 rows (one more tells whether a next
 * page exists), of the status `$3` or any (null); a pending one only while unexpired at `$4`.
 */
export const FACTOR_PAGE = `
  SELECT ${STATUS_COLUMNS} FROM mfa_verifier_factors f
  WHERE f.user_id > $1 AND (CAST($3 AS TEXT) IS NULL OR f.status = CAST($3 AS TEXT))
    AND (f.status = 'active' OR f.expires_at > $4)
  ORDER BY f.user_id LIMIT $2`;

/**
 * Housekeeping: at most `$2` set-ups that expired before `$1` (now) and hold no running lock
 * (the row carries the count of wrong codes, which a new set-up does not forgive), by the
 * pending-expiry index. The outer query repeats the condition: a set-up restarted meanwhile stays.
 */
export const PRUNE_EXPIRED_ENROLMENTS = `
  DELETE FROM mfa_verifier_factors
  WHERE status = 'pending' AND expires_at <= $1 AND (locked_until IS NULL OR locked_until <= $1)
    AND user_id IN (
      SELECT user_id FROM mfa_verifier_factors
      WHERE status = 'pending' AND expires_at <= $1 AND (locked_until IS NULL OR locked_until <= $1)
      ORDER BY expires_at LIMIT $2)`;
