-- Password failures are counted by the name typed at the login form, whoever it names (an unknown
-- or SSO name counts and locks as an existing one does), once per (name, client address) and once
-- per name: see server/services/password-guard.ts. `key` is a SHA-256 of that, so the names typed
-- are not kept in clear; a row untouched until `forget_at` (and not locked) is pruned.
CREATE TABLE login_failures (
  key TEXT PRIMARY KEY,
  count INTEGER NOT NULL,
  locks INTEGER NOT NULL DEFAULT 0,
  locked_until INTEGER,
  forget_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX login_failures_forget_at ON login_failures (forget_at);

-- The per-user password counter is no longer read or written.
DELETE FROM failure_counters WHERE kind = 'password';
