-- SQLite's 0009 and, by a link to this file, PostgreSQL's 0008: one text both dialects read.
-- The second factor moves to the verifier library's tables (created by its own migrations just
-- before this file runs: sdk/verifier/store/migrations.ts), so the server and the library share
-- one implementation of its rules. Rows keep their sealed secrets (the server seals them for
-- `factor:<user id>`, as before) and are keyed by the user's id as text; the MFA failure counter
-- and its lock history become the row's own columns. The issuer is not stored before: it only
-- names the account in an authenticator and takes no part in checking a code.
INSERT INTO mfa_verifier_factors
  (user_id, status, secret, issuer, account, last_step, created_at, expires_at, enabled_at,
   failures, locks, locked_until)
SELECT CAST(f.user_id AS TEXT), f.status, f.secret, '', u.username, f.last_step, f.created_at,
  f.expires_at, f.enabled_at, coalesce(c.count, 0), coalesce(c.locks, 0), c.locked_until
FROM factors f JOIN users u ON u.id = f.user_id
LEFT JOIN failure_counters c ON c.user_id = f.user_id AND c.kind = 'mfa';

INSERT INTO mfa_verifier_recovery_codes (user_id, code_hash, used_at)
SELECT CAST(user_id AS TEXT), code_hash, used_at FROM recovery_codes;

DROP TABLE recovery_codes;
DROP TABLE factors;
DROP TABLE failure_counters;
