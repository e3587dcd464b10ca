/** Row types mirroring migrations/*.sql: one per table, and for `exchanges` and `sessions` the views readers use. */
export type SessionRow = {
  id: string;
  first_seen: number;
  last_seen: number;
  exchange_count: number;
  page_view_count: number;
  error_count: number;
  host: string;
  user_agent: string | null;
  device: string;
  country: string | null;
  client_network: string | null;
};

/** What the recorder writes to session_log; the counts are counted from exchanges when read. */
export type SessionWrite = Omit<SessionRow, "exchange_count" | "page_view_count" | "error_count">;

export type BlobRow = {
  digest: string;
  size: number;
  stored_size: number;
  encoding: "gzip" | "identity";
  first_seen: number;
};

export type ExchangeRow = {
  id: string;
  session_id: string;
  day: string;
  started_at: number;
  ttfb_ms: number | null;
  total_ms: number | null;
  method: string;
  url: string;
  status: number;
  content_type: string | null;
  content_class: string;
  page_view: number;
  request_headers: string;
  response_headers: string;
  request_body_digest: string | null;
  request_body_size: number | null;
  request_body_note: string | null;
  response_body_digest: string | null;
  response_body_size: number | null;
  response_body_note: string | null;
  validator: string | null;
  revalidated_digest: string | null;
  context: string;
  error: string | null;
  mask_policy: string;
  mask_report: string;
  record_hash: string;
};

export type SessionKeyRow = { key_hash: string; session_id: string; cookie_name: string; first_seen: number };

export type SessionCustomerRow = { customer_token: string; session_id: string; first_seen: number };

/** `fields` is JSON written by FormStore and validated when read back (see store/declared-fields.ts). */
export type LearnedFormRow = {
  form_key: string;
  method: string;
  path: string;
  fields: string;
  fields_hash: string;
  first_seen: number;
  updated_at: number;
};
