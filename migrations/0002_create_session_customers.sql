-- Links sessions to customers through keyed tokens of their identifiers (username, email: the `hash` mask
-- action), so support can find every session of one customer across devices and days.
CREATE TABLE session_customers (
  customer_token TEXT NOT NULL,        -- [hash:<hex>] = HMAC-SHA-256(VERBATIM_SECRET, "customer:" + identifier)
  session_id TEXT NOT NULL REFERENCES sessions (id),
  first_seen INTEGER NOT NULL,
  PRIMARY KEY (customer_token, session_id)
) WITHOUT ROWID;
