import type { BlobRow, ExchangeRow, SessionCustomerRow, SessionKeyRow, SessionWrite } from "./rows.ts";

/**
 * One recorded exchange on its way from a recording shard to the index: everything in it is masked (URLs,
 * headers, context) or a digest, because a queue persists its messages. Bodies are not in it: they are in
 * R2 already, under the digests named here.
 */
export type RecordMessage = {
  v: 1;
  exchange: ExchangeRow;
  /** Null when the shard refreshed this session's row less than a minute ago. */
  session: SessionWrite | null;
  keys: SessionKeyRow[];
  customers: SessionCustomerRow[];
  blobs: BlobRow[];
};

/**
 * What travels on the records queue: a chunk, one session's records that its shard coalesced (the
 * exchanges of a page view, or a few). One message and one index row per chunk instead of per exchange.
 */
export type ChunkMessage = { v: 2; session_id: string; records: RecordMessage[] };

/** A chunk too large for one queue message (128 KB) travels through R2; the message names its key. */
export type OverflowMessage = { v: 2; overflow: string };

export const MAX_MESSAGE_BYTES = 120_000;

export function overflowKey(firstExchangeId: string): string {
  return `records/overflow/${firstExchangeId}.json`;
}

type Check = (value: unknown) => boolean;
const str: Check = (v) => typeof v === "string";
const num: Check = (v) => typeof v === "number" && Number.isFinite(v);
const nullable =
  (check: Check): Check =>
  (v) =>
    v === null || check(v);
const oneOf =
  (...values: unknown[]): Check =>
  (v) =>
    values.includes(v);

/** Column checks: a message that does not match them is not written, it is retried and then dead-lettered. */
const EXCHANGE: Record<keyof ExchangeRow, Check> = {
  id: str,
  session_id: str,
  day: str,
  started_at: num,
  ttfb_ms: nullable(num),
  total_ms: nullable(num),
  method: str,
  url: str,
  status: num,
  content_type: nullable(str),
  content_class: str,
  page_view: oneOf(0, 1),
  request_headers: str,
  response_headers: str,
  request_body_digest: nullable(str),
  request_body_size: nullable(num),
  request_body_note: nullable(str),
  response_body_digest: nullable(str),
  response_body_size: nullable(num),
  response_body_note: nullable(str),
  validator: nullable(str),
  revalidated_digest: nullable(str),
  context: str,
  error: nullable(str),
  mask_policy: str,
  mask_report: str,
  record_hash: str,
};
const SESSION: Record<keyof SessionWrite, Check> = {
  id: str,
  first_seen: num,
  last_seen: num,
  host: str,
  user_agent: nullable(str),
  device: str,
  country: nullable(str),
  client_network: nullable(str),
};
const KEY: Record<keyof SessionKeyRow, Check> = {
  key_hash: str,
  session_id: str,
  cookie_name: str,
  first_seen: num,
};
const CUSTOMER: Record<keyof SessionCustomerRow, Check> = {
  customer_token: str,
  session_id: str,
  first_seen: num,
};
const BLOB: Record<keyof BlobRow, Check> = {
  digest: str,
  size: num,
  stored_size: num,
  encoding: oneOf("gzip", "identity"),
  first_seen: num,
};

function matches<T>(value: unknown, shape: Record<keyof T, Check>): value is T {
  if (typeof value !== "object" || value === null) return false;
  const record = value as Record<string, unknown>;
  return Object.entries<Check>(shape).every(([column, check]) => check(record[column]));
}

function listOf<T>(value: unknown, shape: Record<keyof T, Check>): value is T[] {
  return Array.isArray(value) && value.every((item) => matches(item, shape));
}

export function isOverflow(body: unknown): body is OverflowMessage {
  return (
    typeof body === "object" &&
    body !== null &&
    (body as OverflowMessage).v === 2 &&
    typeof (body as OverflowMessage).overflow === "string"
  );
}

/** The message as a chunk of one session's records, or null when it is not one this version can write. */
export function parseChunkMessage(body: unknown): ChunkMessage | null {
  if (typeof body !== "object" || body === null) return null;
  const m = body as Partial<ChunkMessage>;
  if (m.v !== 2 || typeof m.session_id !== "string" || !Array.isArray(m.records) || m.records.length === 0)
    return null;
  const records: RecordMessage[] = [];
  for (const item of m.records) {
    const record = parseRecordMessage(item);
    if (!record || record.exchange.session_id !== m.session_id) return null;
    records.push(record);
  }
  return { v: 2, session_id: m.session_id, records };
}

/** One record, or null when it is not one this version can write. */
export function parseRecordMessage(body: unknown): RecordMessage | null {
  if (typeof body !== "object" || body === null) return null;
  const m = body as Partial<RecordMessage>;
  if (m.v !== 1) return null;
  if (!matches<ExchangeRow>(m.exchange, EXCHANGE)) return null;
  if (m.session !== null && !matches<SessionWrite>(m.session, SESSION)) return null;
  if (!listOf<SessionKeyRow>(m.keys, KEY)) return null;
  if (!listOf<SessionCustomerRow>(m.customers, CUSTOMER)) return null;
  if (!listOf<BlobRow>(m.blobs, BLOB)) return null;
  return m as RecordMessage;
}
