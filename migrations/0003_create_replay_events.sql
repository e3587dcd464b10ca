-- What happened during replays that support should see: requests blocked because they left the replay
-- origin (CSP reports), and requests for URLs this session never recorded.
CREATE TABLE replay_events (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  at INTEGER NOT NULL,
  session_id TEXT NOT NULL,
  page_view_id TEXT NOT NULL,
  kind TEXT NOT NULL,                  -- 'blocked' (left the replay origin) or 'not_recorded'
  url TEXT NOT NULL                    -- masked like every stored URL
);
CREATE INDEX replay_events_by_page_view ON replay_events (session_id, page_view_id, at);
