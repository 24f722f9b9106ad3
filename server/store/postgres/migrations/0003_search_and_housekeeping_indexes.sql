-- migrate: without transaction
-- Indexed search, listings and housekeeping (issue 24). Built CONCURRENTLY, so a populated
-- database keeps taking sign-ins (inserts of sessions, challenges and audit events) while each
-- index builds; hence no transaction around this file (see pg-migrate.ts). Each index is dropped
-- first should an interrupted run have left it half built (invalid).

-- pg_trgm is a trusted extension: the database owner may create it.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- Substring search over username and name: trigram GIN indexes (ILIKE uses them).
DROP INDEX CONCURRENTLY IF EXISTS users_username_trgm;
CREATE INDEX CONCURRENTLY users_username_trgm ON users USING gin (username gin_trgm_ops);
DROP INDEX CONCURRENTLY IF EXISTS users_name_trgm;
CREATE INDEX CONCURRENTLY users_name_trgm ON users USING gin (name gin_trgm_ops);

-- Employees or contacts in id order, whatever the mix.
DROP INDEX CONCURRENTLY IF EXISTS users_by_kind;
CREATE INDEX CONCURRENTLY users_by_kind ON users (kind, id);

-- Housekeeping deletes what expired by range, in bounded batches (challenges_by_expiry exists).
DROP INDEX CONCURRENTLY IF EXISTS factors_pending_by_expiry;
CREATE INDEX CONCURRENTLY factors_pending_by_expiry ON factors (expires_at)
  WHERE status = 'pending';
DROP INDEX CONCURRENTLY IF EXISTS sessions_by_expiry;
CREATE INDEX CONCURRENTLY sessions_by_expiry ON sessions (expires_at);
DROP INDEX CONCURRENTLY IF EXISTS sessions_by_last_seen;
CREATE INDEX CONCURRENTLY sessions_by_last_seen ON sessions (last_seen_at);

-- The audit log newest first, whole or filtered by actor, action or a date range.
DROP INDEX CONCURRENTLY IF EXISTS audit_by_time;
CREATE INDEX CONCURRENTLY audit_by_time ON audit_events (at, id);
DROP INDEX CONCURRENTLY IF EXISTS audit_by_actor;
CREATE INDEX CONCURRENTLY audit_by_actor ON audit_events (actor, at, id);
DROP INDEX CONCURRENTLY IF EXISTS audit_by_action;
CREATE INDEX CONCURRENTLY audit_by_action ON audit_events (action, at, id);
