-- Fewer rows written per session (issue 8): session_log and session_keys become WITHOUT ROWID tables.
-- A rowid table keyed by a TEXT primary key writes the row and a separate index entry for the key on every
-- insert (D1 counts both); WITHOUT ROWID stores the row in its primary-key B-tree, one row written.
-- The sessions view's first_seen also takes the session's earliest chunk, so a shard does not rewrite the
-- session row when a concurrent earlier exchange finishes masking after a later one.
PRAGMA defer_foreign_keys = true;

DROP VIEW sessions;

CREATE TABLE session_log_new (
  id TEXT PRIMARY KEY,
  first_seen INTEGER NOT NULL,
  last_seen INTEGER NOT NULL,
  host TEXT NOT NULL,
  user_agent TEXT,
  device TEXT NOT NULL,
  country TEXT,
  client_network TEXT
) WITHOUT ROWID;
INSERT INTO session_log_new (id, first_seen, last_seen, host, user_agent, device, country, client_network)
SELECT id, first_seen, last_seen, host, user_agent, device, country, client_network FROM session_log;
DROP TABLE session_log;
ALTER TABLE session_log_new RENAME TO session_log;
CREATE INDEX sessions_by_last_seen ON session_log (last_seen DESC, id DESC);

CREATE TABLE session_keys_new (
  key_hash TEXT PRIMARY KEY,
  session_id TEXT NOT NULL,
  cookie_name TEXT NOT NULL,
  first_seen INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO session_keys_new (key_hash, session_id, cookie_name, first_seen)
SELECT key_hash, session_id, cookie_name, first_seen FROM session_keys;
DROP TABLE session_keys;
ALTER TABLE session_keys_new RENAME TO session_keys;

CREATE VIEW sessions AS
SELECT s.id,
  min(s.first_seen, coalesce((SELECT min(c.started_at) FROM record_chunks AS c WHERE c.session_id = s.id), s.first_seen)) AS first_seen,
  s.last_seen,
  coalesce((SELECT sum(c.exchange_count) FROM record_chunks AS c WHERE c.session_id = s.id), 0)
    + (SELECT count(*) FROM exchange_log AS e WHERE e.session_id = s.id) AS exchange_count,
  coalesce((SELECT sum(c.page_view_count) FROM record_chunks AS c WHERE c.session_id = s.id), 0)
    + (SELECT count(*) FROM exchange_log AS e WHERE e.session_id = s.id AND e.page_view = 1) AS page_view_count,
  coalesce((SELECT sum(c.error_count) FROM record_chunks AS c WHERE c.session_id = s.id), 0)
    + (SELECT count(*) FROM exchange_log AS e WHERE e.session_id = s.id AND (e.status >= 400 OR e.error IS NOT NULL)) AS error_count,
  s.host, s.user_agent, s.device, s.country, s.client_network
FROM session_log AS s;
