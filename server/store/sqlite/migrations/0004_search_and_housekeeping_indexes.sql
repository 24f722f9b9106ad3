-- Indexed search, listings and housekeeping (issue 24). On an existing database the 'rebuild'
-- below reads every user once; migrations run at open, before the server takes requests.

-- Substring search over username and name: an FTS5 index of trigrams (case-folded), its rows
-- kept in step with users by the triggers below, in the same transaction as each change.
CREATE VIRTUAL TABLE users_search USING fts5(
  username, name, content = 'users', content_rowid = 'id', tokenize = 'trigram'
);
INSERT INTO users_search (users_search) VALUES ('rebuild');
-- One segment instead of the rebuild's many: a query then looks each trigram up once.
INSERT INTO users_search (users_search) VALUES ('optimize');
CREATE TRIGGER users_search_insert AFTER INSERT ON users BEGIN
  INSERT INTO users_search (rowid, username, name) VALUES (new.id, new.username, new.name);
END;
CREATE TRIGGER users_search_delete AFTER DELETE ON users BEGIN
  INSERT INTO users_search (users_search, rowid, username, name)
    VALUES ('delete', old.id, old.username, old.name);
END;
CREATE TRIGGER users_search_update AFTER UPDATE OF username, name ON users BEGIN
  INSERT INTO users_search (users_search, rowid, username, name)
    VALUES ('delete', old.id, old.username, old.name);
  INSERT INTO users_search (rowid, username, name) VALUES (new.id, new.username, new.name);
END;

-- Employees or contacts in id order, whatever the mix.
CREATE INDEX users_by_kind ON users (kind, id);

-- Housekeeping deletes what expired by range, in bounded batches.
CREATE INDEX challenges_by_expiry ON challenges (expires_at);
CREATE INDEX factors_pending_by_expiry ON factors (expires_at) WHERE status = 'pending';
CREATE INDEX sessions_by_expiry ON sessions (expires_at);
CREATE INDEX sessions_by_last_seen ON sessions (last_seen_at);

-- The audit log newest first, whole or filtered by actor, action or a date range.
CREATE INDEX audit_by_time ON audit_events (at, id);
CREATE INDEX audit_by_actor ON audit_events (actor, at, id);
CREATE INDEX audit_by_action ON audit_events (action, at, id);
