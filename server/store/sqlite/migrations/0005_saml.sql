-- SAML 2.0 sign-in: the one configured IdP, the AuthnRequests this server made (InResponseTo is
-- accepted only for one of them, once) and the ids of accepted assertions (each accepted once).
CREATE TABLE saml_idp (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  entity_id TEXT NOT NULL,
  sso_url TEXT NOT NULL,
  certificate TEXT NOT NULL,
  jit_kind TEXT CHECK (jit_kind IN ('employee', 'contact')),
  updated_at INTEGER NOT NULL
);

CREATE TABLE saml_requests (
  id TEXT PRIMARY KEY,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE saml_assertions (
  id TEXT PRIMARY KEY,
  expires_at INTEGER NOT NULL
) WITHOUT ROWID;

CREATE INDEX saml_requests_expiry ON saml_requests (expires_at);
CREATE INDEX saml_assertions_expiry ON saml_assertions (expires_at);
