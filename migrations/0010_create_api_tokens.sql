-- Scoped API tokens for automation (issue 10): created, listed and revoked by an admin (`npm run tokens`).
-- Only a SHA-256 of the token is kept; the token itself is shown once, at creation. Rows are never deleted:
-- a revoked or expired token stays listed, so the audit log's references to it keep their meaning.
CREATE TABLE api_tokens (
  id TEXT PRIMARY KEY,                 -- public part of the token (vbt_<id>_<secret>), safe to show and log
  name TEXT NOT NULL,                  -- what it is for ("nightly export"), given at creation
  roles TEXT NOT NULL,                 -- comma list of roles (worker/src/access/roles.ts)
  token_hash TEXT NOT NULL,            -- hex SHA-256 of the whole token
  created_at INTEGER NOT NULL,
  created_by TEXT NOT NULL,            -- the principal that created it
  expires_at INTEGER NOT NULL,
  revoked_at INTEGER,
  revoked_by TEXT
) WITHOUT ROWID;
