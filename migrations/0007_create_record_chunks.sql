-- The compact index (issue 8). D1 keeps what search needs; each exchange's full record (headers, context,
-- masking report, body digests) lives in compressed segments in R2.
--
-- A recording shard sends one session's records as one queue message (a chunk: the exchanges of a page view
-- or a few, coalesced for up to RECORD_COALESCE_MS). The consumer writes a batch's chunks into one R2 object
-- (segments/<day>/<batch>.gz, one gzip member per chunk) and one row per chunk here: the session's timeline
-- is its chunk rows, read back from R2 by offset and length.
CREATE TABLE record_chunks (
  session_id TEXT NOT NULL,
  first_id TEXT NOT NULL,              -- smallest exchange id in the chunk (ids sort by time)
  last_id TEXT NOT NULL,               -- largest: an exchange id finds its chunk by session tag and range
  started_at INTEGER NOT NULL,
  ended_at INTEGER NOT NULL,
  exchange_count INTEGER NOT NULL,
  page_view_count INTEGER NOT NULL,
  error_count INTEGER NOT NULL,        -- status >= 400 or a recorder-seen error (origin unreachable, reset)
  urls TEXT NOT NULL,                  -- path and query of its distinct URLs, one per line (search)
  segment TEXT NOT NULL,               -- R2 key of the segment holding the chunk
  segment_offset INTEGER NOT NULL,
  segment_length INTEGER NOT NULL,
  PRIMARY KEY (session_id, first_id)
) WITHOUT ROWID;

-- Static assets (stylesheets, scripts, images, fonts) by URL and body: a browser-cached asset a session never
-- fetched is replayed from another session's capture, and a 304 finds the body it revalidated. One row per
-- new version of an asset, not per request (INSERT OR IGNORE writes nothing for a known one).
CREATE TABLE captures (
  url TEXT NOT NULL,
  digest TEXT NOT NULL,
  validator TEXT,
  first_seen INTEGER NOT NULL,
  session_id TEXT NOT NULL,
  exchange_id TEXT NOT NULL,
  PRIMARY KEY (url, digest)
) WITHOUT ROWID;

-- Nothing reads session keys by session: the index cost a written row per key.
DROP INDEX session_keys_by_session;

-- Session counts now come from chunk rows, plus exchange_log rows recorded before this migration.
DROP VIEW sessions;
CREATE VIEW sessions AS
SELECT s.id, s.first_seen, s.last_seen,
  coalesce((SELECT sum(c.exchange_count) FROM record_chunks AS c WHERE c.session_id = s.id), 0)
    + (SELECT count(*) FROM exchange_log AS e WHERE e.session_id = s.id) AS exchange_count,
  coalesce((SELECT sum(c.page_view_count) FROM record_chunks AS c WHERE c.session_id = s.id), 0)
    + (SELECT count(*) FROM exchange_log AS e WHERE e.session_id = s.id AND e.page_view = 1) AS page_view_count,
  coalesce((SELECT sum(c.error_count) FROM record_chunks AS c WHERE c.session_id = s.id), 0)
    + (SELECT count(*) FROM exchange_log AS e WHERE e.session_id = s.id AND (e.status >= 400 OR e.error IS NOT NULL)) AS error_count,
  s.host, s.user_agent, s.device, s.country, s.client_network
FROM session_log AS s;
