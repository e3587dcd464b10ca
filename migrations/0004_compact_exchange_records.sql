-- Smaller, cheaper exchange records (measured by `npm run bench`: D1 bytes and rows written per exchange).
-- 1. Request headers and the request context repeat across a visit: they are stored once, in record_parts,
--    under a hash of their JSON, and exchanges refer to them. Per-request trace headers (cf-ray, ...) stay
--    with the exchange, in request_headers_tail, so the shared part still repeats.
--    Response headers are shared the same way with their per-response values (Date, Age, ...) kept with the
--    exchange and put back in place by the view; the UTC day is computed from started_at.
-- 2. exchanges becomes WITHOUT ROWID: its primary key is the table, not one more index written per row.
-- 3. Session counters are counted from exchanges when read, so recording an exchange no longer rewrites
--    its session row (and the last_seen index) every time; last_seen is refreshed at most once a minute.
-- Readers keep reading `exchanges` and `sessions`: those are now views over the stored tables.
PRAGMA defer_foreign_keys = true;

CREATE TABLE record_parts (
  digest TEXT PRIMARY KEY,             -- first 128 bits of SHA-256 of body, hex
  body TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE exchange_log (
  id TEXT PRIMARY KEY,
  session_id TEXT NOT NULL,
  started_at INTEGER NOT NULL,
  ttfb_ms INTEGER,
  total_ms INTEGER,
  method TEXT NOT NULL,
  url TEXT NOT NULL,
  status INTEGER NOT NULL,
  content_type TEXT,
  content_class TEXT NOT NULL,
  page_view INTEGER NOT NULL DEFAULT 0,
  request_headers_ref TEXT REFERENCES record_parts (digest),
  request_headers_tail TEXT,           -- JSON pairs appended after the shared part (per-request trace headers)
  request_headers TEXT,                -- inline JSON: records written before this migration
  response_headers_ref TEXT REFERENCES record_parts (digest),
  response_volatile TEXT,              -- JSON [[index, value], ...] (at most 2) put back into the shared part
  response_headers TEXT,               -- inline JSON: records before this migration, or too many volatile headers
  request_body_digest TEXT REFERENCES blobs (digest),
  request_body_size INTEGER,
  request_body_note TEXT,
  response_body_digest TEXT REFERENCES blobs (digest),
  response_body_size INTEGER,
  response_body_note TEXT,
  validator TEXT,
  revalidated_digest TEXT,
  context_ref TEXT REFERENCES record_parts (digest),
  context TEXT,                        -- inline JSON: records written before this migration
  error TEXT,
  mask_policy TEXT NOT NULL,
  mask_report TEXT,                    -- NULL: nothing was masked
  record_hash TEXT NOT NULL
) WITHOUT ROWID;

INSERT INTO exchange_log (id, session_id, started_at, ttfb_ms, total_ms, method, url, status, content_type,
  content_class, page_view, request_headers, response_headers, request_body_digest, request_body_size,
  request_body_note, response_body_digest, response_body_size, response_body_note, validator, revalidated_digest,
  context, error, mask_policy, mask_report, record_hash)
SELECT id, session_id, started_at, ttfb_ms, total_ms, method, url, status, content_type, content_class,
  page_view, request_headers, response_headers, request_body_digest, request_body_size, request_body_note,
  response_body_digest, response_body_size, response_body_note, validator, revalidated_digest, context, error,
  mask_policy, mask_report, record_hash
FROM exchanges;

DROP TABLE exchanges;
CREATE INDEX exchange_log_by_session ON exchange_log (session_id, started_at, id);
CREATE INDEX exchange_log_by_url_validator ON exchange_log (url, validator);

ALTER TABLE sessions RENAME TO session_log;
ALTER TABLE session_log DROP COLUMN exchange_count;
ALTER TABLE session_log DROP COLUMN page_view_count;
ALTER TABLE session_log DROP COLUMN error_count;

-- The logical exchange record: what was hashed into record_hash, whatever its storage layout.
CREATE VIEW exchanges AS
SELECT l.id, l.session_id, strftime('%Y-%m-%d', l.started_at / 1000, 'unixepoch') AS day, l.started_at, l.ttfb_ms, l.total_ms, l.method, l.url, l.status, l.content_type,
  l.content_class, l.page_view,
  CASE
    WHEN l.request_headers IS NOT NULL THEN l.request_headers
    WHEN l.request_headers_tail IS NULL THEN rq.body
    WHEN rq.body = '[]' THEN l.request_headers_tail
    ELSE substr(rq.body, 1, length(rq.body) - 1) || ',' || substr(l.request_headers_tail, 2)
  END AS request_headers,
  CASE
    WHEN l.response_headers IS NOT NULL THEN l.response_headers
    WHEN l.response_volatile IS NULL THEN rs.body
    WHEN json_array_length(l.response_volatile) = 1 THEN json_set(rs.body,
      '$[' || (l.response_volatile ->> '$[0][0]') || '][1]', l.response_volatile ->> '$[0][1]')
    ELSE json_set(rs.body,
      '$[' || (l.response_volatile ->> '$[0][0]') || '][1]', l.response_volatile ->> '$[0][1]',
      '$[' || (l.response_volatile ->> '$[1][0]') || '][1]', l.response_volatile ->> '$[1][1]')
  END AS response_headers,
  l.request_body_digest, l.request_body_size, l.request_body_note, l.response_body_digest,
  l.response_body_size, l.response_body_note, l.validator, l.revalidated_digest,
  coalesce(l.context, cx.body) AS context,
  l.error, l.mask_policy, coalesce(l.mask_report, '[]') AS mask_report, l.record_hash
FROM exchange_log AS l
LEFT JOIN record_parts AS rq ON rq.digest = l.request_headers_ref
LEFT JOIN record_parts AS rs ON rs.digest = l.response_headers_ref
LEFT JOIN record_parts AS cx ON cx.digest = l.context_ref;

-- Sessions with their counts, counted from the session's exchanges through exchange_log_by_session.
CREATE VIEW sessions AS
SELECT s.id, s.first_seen,
  max(s.last_seen, coalesce((SELECT max(e.started_at) FROM exchange_log AS e WHERE e.session_id = s.id), 0)) AS last_seen,
  (SELECT count(*) FROM exchange_log AS e WHERE e.session_id = s.id) AS exchange_count,
  (SELECT count(*) FROM exchange_log AS e WHERE e.session_id = s.id AND e.page_view = 1) AS page_view_count,
  (SELECT count(*) FROM exchange_log AS e WHERE e.session_id = s.id AND (e.status >= 400 OR e.error IS NOT NULL)) AS error_count,
  s.host, s.user_agent, s.device, s.country, s.client_network
FROM session_log AS s;
