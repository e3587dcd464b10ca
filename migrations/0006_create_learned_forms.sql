-- Forms that served pages declared (issue 7): method + masked action path → the fields the form declared
-- (name, input type, tag and the attributes element rules read; never a value). An isolate that never served
-- the page still masks what is posted to the action by what the form said: `type=password` whatever its name.
CREATE TABLE learned_forms (
  form_key TEXT PRIMARY KEY,           -- "POST /login": formKey(method, masked action path), worker/src/mask/forms.ts
  method TEXT NOT NULL,
  path TEXT NOT NULL,                  -- the action's path, resolved against the page and masked; no query
  fields TEXT NOT NULL,                -- JSON array of DeclaredField, the union of every page's declaration
  fields_hash TEXT NOT NULL,           -- SHA-256 of `fields`: a writer updates only the version it read
  first_seen INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) WITHOUT ROWID;
