-- Initial schema of the SQLite store. Times are epoch milliseconds.
CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  username TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('employee', 'contact')),
  role TEXT NOT NULL CHECK (role IN ('admin', 'user')),
  auth_type TEXT NOT NULL CHECK (auth_type IN ('password', 'saml')),
  password_hash TEXT,
  must_setup_mfa INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL
);

-- One TOTP factor per user; the secret is AES-256-GCM ciphertext carrying its key id.
CREATE TABLE factors (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL UNIQUE REFERENCES users (id) ON DELETE CASCADE,
  status TEXT NOT NULL CHECK (status IN ('pending', 'active')),
  secret TEXT NOT NULL,
  last_step INTEGER,
  created_at INTEGER NOT NULL,
  expires_at INTEGER,
  enabled_at INTEGER
);

-- Recovery codes only as SHA-256 hashes of >= 112-bit codes.
CREATE TABLE recovery_codes (
  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  code_hash TEXT NOT NULL,
  used_at INTEGER,
  PRIMARY KEY (user_id, code_hash)
);

CREATE TABLE failure_counters (
  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  kind TEXT NOT NULL CHECK (kind IN ('password', 'mfa')),
  count INTEGER NOT NULL,
  locked_until INTEGER,
  PRIMARY KEY (user_id, kind)
);

CREATE TABLE rate_limits (
  key TEXT PRIMARY KEY,
  window_start INTEGER NOT NULL,
  window_end INTEGER NOT NULL,
  count INTEGER NOT NULL
);

-- Ids of challenges and sessions are SHA-256 hashes of the tokens the clients hold.
CREATE TABLE challenges (
  id TEXT PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  kind TEXT NOT NULL CHECK (kind IN ('mfa', 'setup')),
  binding TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  consumed_at INTEGER
);

CREATE TABLE sessions (
  id TEXT PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  created_at INTEGER NOT NULL,
  last_seen_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  ip TEXT NOT NULL
);
CREATE INDEX sessions_by_user ON sessions (user_id);

CREATE TABLE settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);

CREATE TABLE audit_events (
  id INTEGER PRIMARY KEY,
  at INTEGER NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  target TEXT,
  ip TEXT NOT NULL
);
