-- Sessions ended by a change of how their user signs in (MFA reset, enabled, disabled or
-- replaced, new recovery codes, the policy, a new password), kept until the session would have
-- expired, so the next page load can say why the sign-in ended. The id is the ended session's.
CREATE TABLE ended_sessions (
  id text PRIMARY KEY,
  reason text NOT NULL CHECK (reason IN ('mfa_changed', 'mfa_required', 'password_changed')),
  expires_at bigint NOT NULL
);
CREATE INDEX ended_sessions_by_expiry ON ended_sessions (expires_at);
