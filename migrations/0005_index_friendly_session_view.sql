-- Listing the newest sessions must walk the session_log (last_seen) index, not compute every session's
-- last exchange: the view now exposes the stored last_seen, which the recorder refreshes at most a minute
-- late (see worker/src/recorder/record-exchange.ts), and counts only the rows a query returns.
DROP VIEW sessions;
CREATE VIEW sessions AS
SELECT s.id, s.first_seen, s.last_seen,
  (SELECT count(*) FROM exchange_log AS e WHERE e.session_id = s.id) AS exchange_count,
  (SELECT count(*) FROM exchange_log AS e WHERE e.session_id = s.id AND e.page_view = 1) AS page_view_count,
  (SELECT count(*) FROM exchange_log AS e WHERE e.session_id = s.id AND (e.status >= 400 OR e.error IS NOT NULL)) AS error_count,
  s.host, s.user_agent, s.device, s.country, s.client_network
FROM session_log AS s;
