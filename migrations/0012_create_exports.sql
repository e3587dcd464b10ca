-- Export jobs (issue 9): one row per requested export, written by the API and by the export Workflow as it
-- goes, so progress is visible in the API and the console. The archive itself is in R2 at object_key.
CREATE TABLE exports (
  id TEXT PRIMARY KEY,                 -- also the Workflow instance id
  scope TEXT NOT NULL,                 -- JSON: {"kind":"day"|"session"|"customer", ..., "url": prefix or null}
  format TEXT NOT NULL,                -- 'wacz'
  status TEXT NOT NULL,                -- queued, running, done, failed
  requested_by TEXT NOT NULL,          -- the principal id (also in the audit log)
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  slices_total INTEGER,                -- known once planned
  slices_done INTEGER NOT NULL DEFAULT 0,
  records INTEGER NOT NULL DEFAULT 0,  -- exchanges written so far
  bytes INTEGER NOT NULL DEFAULT 0,    -- archive bytes written so far
  tree_size INTEGER,                   -- the signed tree head every proof in the export is against
  object_key TEXT,                     -- R2 key of the finished archive
  sha256 TEXT,                         -- of datapackage.json (what the signature covers)
  error TEXT                           -- why it failed, in words
) WITHOUT ROWID;
CREATE INDEX exports_by_created ON exports (created_at DESC);
