-- Legal holds and the retention job (issue 9). Used in the control database (the first index partition);
-- like every migration they are created in each partition, where they stay empty.

-- A hold keeps everything it names from retention: a session, a customer (the keyed token session_customers
-- holds, never the identifier) or a UTC day (every session active that day). Holds are lifted, never
-- deleted, so the history of who held what, why and until when stays readable.
CREATE TABLE legal_holds (
  id TEXT PRIMARY KEY,                 -- 16 hex characters
  kind TEXT NOT NULL CHECK (kind IN ('session', 'customer', 'day')),
  value TEXT NOT NULL,                 -- session id, customer token ([hash:<hex>]) or YYYY-MM-DD
  reason TEXT NOT NULL,
  placed_by TEXT NOT NULL,             -- the principal, as the audit log names it
  placed_at INTEGER NOT NULL,
  lifted_by TEXT,
  lifted_at INTEGER,
  lift_reason TEXT
) WITHOUT ROWID;

CREATE TRIGGER legal_holds_no_delete BEFORE DELETE ON legal_holds
BEGIN
  SELECT RAISE(ABORT, 'legal_holds: a hold is lifted, never deleted');
END;

-- What a hold names never changes, and a lifted hold stays lifted.
CREATE TRIGGER legal_holds_lift_once BEFORE UPDATE ON legal_holds
WHEN OLD.lifted_at IS NOT NULL OR NEW.id IS NOT OLD.id OR NEW.kind IS NOT OLD.kind
  OR NEW.value IS NOT OLD.value OR NEW.reason IS NOT OLD.reason OR NEW.placed_by IS NOT OLD.placed_by
  OR NEW.placed_at IS NOT OLD.placed_at
BEGIN
  SELECT RAISE(ABORT, 'legal_holds: only an active hold can be lifted, and only once');
END;

-- Bodies more than one session references: when a session of `host` last referenced `digest` ('*': the
-- sessions that first stored it, host unknown), moved forward at most once a day. Written by the retention
-- job as it reads segments, never on the recording path. A body only one session references has no row: its
-- only references are that session's (docs/architecture.md, Retention). No index on last_ref: the job reads
-- the table in key order once a day (reads cost a thousandth of writes), so each row costs one write.
CREATE TABLE body_refs (
  digest TEXT NOT NULL,
  host TEXT NOT NULL,
  last_ref INTEGER NOT NULL,
  PRIMARY KEY (digest, host)
) WITHOUT ROWID;

-- Sessions seen active more than a day after they began: their early records may reference a body whose
-- body_refs time looks expired while the session itself is kept, so the job reads those records.
CREATE TABLE retention_long_sessions (
  session_id TEXT PRIMARY KEY,
  host TEXT NOT NULL,
  first_seen INTEGER NOT NULL
) WITHOUT ROWID;

-- The job's progress (which days are read, where the sweep stands, the last run): small JSON values by name.
CREATE TABLE retention_state (
  name TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;
