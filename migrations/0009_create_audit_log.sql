-- The audit log (issue 10): who looked at what, when and from where. Append-only and hash-chained: each
-- entry's hash covers its fields and the previous entry's hash (worker/src/audit/audit-entry.ts), so
-- changing, removing or reordering an entry breaks every hash after it. The head is later written into the
-- evidence log's tree heads, which also catches a rewrite of the whole chain.
CREATE TABLE audit_log (
  seq INTEGER PRIMARY KEY,             -- 1, 2, 3, ... without gaps (the insert trigger below holds to it)
  at INTEGER NOT NULL,                 -- ms since the epoch; never earlier than the entry before
  actor TEXT NOT NULL,                 -- an Access email, "token:<id>", a demo account; "anonymous" when unknown
  roles TEXT NOT NULL,                 -- the roles held, comma-separated ("" for none)
  via TEXT NOT NULL,                   -- how the actor proved who it is: access, token, demo, break-glass, none
  action TEXT NOT NULL,                -- AUDIT_ACTIONS in worker/src/audit/audit-entry.ts
  target TEXT,                         -- what was looked at: a session id, an exchange id, a token id
  detail TEXT NOT NULL,                -- canonical JSON object (keys sorted); never a secret
  source TEXT,                         -- the staff member's IP (CF-Connecting-IP); customers are never audited
  prev_hash TEXT NOT NULL,             -- the previous entry's hash; 64 zeros for the first
  hash TEXT NOT NULL                   -- SHA-256 of this entry and prev_hash, hex
);

CREATE INDEX audit_log_by_action ON audit_log (action, seq);
CREATE INDEX audit_log_by_actor ON audit_log (actor, seq);
CREATE INDEX audit_log_by_time ON audit_log (at);

-- Nothing edits or deletes an entry, whoever asks.
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
  SELECT RAISE(ABORT, 'audit_log is append-only');
END;

CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
  SELECT RAISE(ABORT, 'audit_log is append-only');
END;

-- An insert must extend the chain: the next seq, linked to the current head. This also refuses
-- INSERT OR REPLACE over an existing entry, whose implicit delete fires no DELETE trigger. Writers that
-- lose a race to another isolate get this error and retry on the new head (worker/src/audit/audit-log.ts).
CREATE TRIGGER audit_log_append_only BEFORE INSERT ON audit_log
WHEN NEW.seq IS NOT (SELECT coalesce(max(seq), 0) + 1 FROM audit_log)
  OR NEW.prev_hash IS NOT coalesce(
    (SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1),
    '0000000000000000000000000000000000000000000000000000000000000000')
BEGIN
  SELECT RAISE(ABORT, 'audit_log: not the next entry');
END;
