/** Bindings and vars of the recorder Worker (see wrangler.toml). Vars arrive as strings; config/ parses them. */
export interface Env {
  BLOBS: R2Bucket;
  DB: D1Database;
  ORIGIN?: string;
  FORWARD_HOST?: string;
  SESSION_COOKIES?: string;
  EXCLUDE_PATHS?: string;
  BODY_CAP_BYTES?: string;
  IP_TRUNCATE?: string;
  RECORDING?: string;
  EXTRA_CONTENT_TYPES?: string;
  REPLAY_HOST?: string;
  VERBATIM_SECRET?: string;
  ADMIN_TOKEN?: string;
}
