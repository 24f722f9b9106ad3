-- Password failures are counted by the name typed at the login form, whoever it names (an unknown
-- or SSO name counts and locks as an existing one does), once per (name, client address) and once
-- per name: see server/services/password-guard.ts. `key` is a SHA-256 of that, so the names typed
-- are not kept in clear; a row untouched until `forget_at` (and not locked) is pruned.
-- BIGINT `locks`: LOCK_LOGIN_AT_THRESHOLD multiplies it with the lock time in milliseconds.
CREATE TABLE login_failures (
  key text PRIMARY KEY,
  count integer NOT NULL,
  locks bigint NOT NULL DEFAULT 0,
  locked_until bigint,
  forget_at bigint NOT NULL
);
CREATE INDEX login_failures_forget_at ON login_failures (forget_at);

-- The per-user password counter is no longer read or written.
DELETE FROM failure_counters WHERE kind = 'password';
