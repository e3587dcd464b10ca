-- Verbatim archive index. Bodies live in R2 under their SHA-256; these tables hold metadata and digests.
-- Times are epoch milliseconds (UTC). `day` (YYYY-MM-DD, UTC) labels the partition of day-sized exports.

CREATE TABLE sessions (
  id TEXT PRIMARY KEY,                 -- derived from a keyed hash of the first cookie that identified the visit
  first_seen INTEGER NOT NULL,
  last_seen INTEGER NOT NULL,
  exchange_count INTEGER NOT NULL DEFAULT 0,
  page_view_count INTEGER NOT NULL DEFAULT 0,
  error_count INTEGER NOT NULL DEFAULT 0,
  host TEXT NOT NULL,
  user_agent TEXT,
  device TEXT NOT NULL,
  country TEXT,
  client_network TEXT                  -- truncated per policy, e.g. 203.0.113.0/24
);
CREATE INDEX sessions_by_last_seen ON sessions (last_seen DESC, id DESC);

-- Every cookie that identified a session, as HMAC(secret, name=value): the cookie value itself is never stored.
CREATE TABLE session_keys (
  key_hash TEXT PRIMARY KEY,
  session_id TEXT NOT NULL REFERENCES sessions (id),
  cookie_name TEXT NOT NULL,
  first_seen INTEGER NOT NULL
);
CREATE INDEX session_keys_by_session ON session_keys (session_id);

CREATE TABLE blobs (
  digest TEXT PRIMARY KEY,             -- hex SHA-256 of the masked, decoded bytes
  size INTEGER NOT NULL,               -- bytes before storage compression
  stored_size INTEGER NOT NULL,        -- bytes in R2
  encoding TEXT NOT NULL,              -- 'gzip' or 'identity' (already-compressed media)
  first_seen INTEGER NOT NULL
);

CREATE TABLE exchanges (
  id TEXT PRIMARY KEY,                 -- time-sortable, stable: 48-bit ms time + 80 random bits (ULID layout)
  session_id TEXT NOT NULL REFERENCES sessions (id),
  day TEXT NOT NULL,
  started_at INTEGER NOT NULL,
  ttfb_ms INTEGER,
  total_ms INTEGER,
  method TEXT NOT NULL,
  url TEXT NOT NULL,                   -- masked
  status INTEGER NOT NULL,
  content_type TEXT,
  content_class TEXT NOT NULL,
  page_view INTEGER NOT NULL DEFAULT 0,
  request_headers TEXT NOT NULL,       -- JSON [[name, value], ...], masked
  response_headers TEXT NOT NULL,      -- JSON, masked
  request_body_digest TEXT REFERENCES blobs (digest),
  request_body_size INTEGER,
  request_body_note TEXT,              -- why a body is absent or partial: truncated, mask_failed:..., store_failed
  response_body_digest TEXT REFERENCES blobs (digest),
  response_body_size INTEGER,
  response_body_note TEXT,
  validator TEXT,                      -- ETag or Last-Modified of the response, for 304 revalidation lookups
  revalidated_digest TEXT,             -- for 304: the body this response revalidated, when known
  context TEXT NOT NULL,               -- JSON request context (device, language, geo, client network)
  error TEXT,                          -- origin_unreachable, origin_reset, ...
  mask_policy TEXT NOT NULL,
  mask_report TEXT NOT NULL,           -- JSON [{rule, location, count}]
  record_hash TEXT NOT NULL            -- SHA-256 of the canonical record (see worker/src/snapshot/record-hash.ts)
);
CREATE INDEX exchanges_by_session ON exchanges (session_id, started_at, id);
-- No index on `day`: ids start with their time, so a day's exchanges are a primary-key range
-- (every index costs one more D1 row written per exchange).
CREATE INDEX exchanges_by_url_validator ON exchanges (url, validator);

-- Recorder failures that could be written (D1 itself may be the thing that failed; health also shows in-memory counts).
CREATE TABLE recorder_failures (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  at INTEGER NOT NULL,
  stage TEXT NOT NULL,
  kind TEXT NOT NULL,
  exchange_id TEXT
);
CREATE INDEX recorder_failures_by_time ON recorder_failures (at);
