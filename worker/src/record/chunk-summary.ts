import type { ChunkMessage, RecordMessage } from "./record-message.ts";
import type { SessionWrite } from "./rows.ts";
import type { ChunkPosition } from "./segment.ts";

/**
 * The index row of a chunk (migrations/0007 record_chunks): what search and session lists need, nothing
 * per exchange but its URL's path and query (once per chunk), which "sessions that visited ..." searches.
 */
export type ChunkRow = {
  session_id: string;
  first_id: string;
  last_id: string;
  started_at: number;
  ended_at: number;
  exchange_count: number;
  page_view_count: number;
  error_count: number;
  urls: string;
  segment: string;
  segment_offset: number;
  segment_length: number;
};

/** Captures row (migrations/0007 captures): a version of an asset other sessions may be replayed with. */
export type CaptureRow = {
  url: string;
  digest: string;
  validator: string | null;
  first_seen: number;
  session_id: string;
  exchange_id: string;
};

const isError = (r: RecordMessage) => r.exchange.status >= 400 || r.exchange.error !== null;

export function chunkRow(chunk: ChunkMessage, segment: string, position: ChunkPosition): ChunkRow {
  const records = chunk.records;
  const ids = records.map((r) => r.exchange.id).sort();
  const urls = new Set(records.map((r) => searchablePath(r.exchange.url)));
  return {
    session_id: chunk.session_id,
    first_id: ids[0] ?? "",
    last_id: ids.at(-1) ?? "",
    started_at: Math.min(...records.map((r) => r.exchange.started_at)),
    ended_at: Math.max(...records.map((r) => r.exchange.started_at + (r.exchange.total_ms ?? 0))),
    exchange_count: records.length,
    page_view_count: records.filter((r) => r.exchange.page_view === 1).length,
    error_count: records.filter(isError).length,
    urls: [...urls].join("\n"),
    segment,
    segment_offset: position.offset,
    segment_length: position.length,
  };
}

/** Classes whose bodies are the same for every visitor unless their headers say otherwise. */
const STATIC_CLASSES: ReadonlySet<string> = new Set(["css", "js", "image", "font"]);

/**
 * Responses another session's replay may need (a browser-cached asset) or a 304 may point back to: GET 200
 * with a stored body that is a static asset or says a shared cache may keep it. Replay still applies its
 * own rules (replay/shared-capture.ts) before using one.
 */
export function captureRows(chunk: ChunkMessage): CaptureRow[] {
  return chunk.records
    .map((r) => r.exchange)
    .filter(
      (e) =>
        e.method === "GET" &&
        e.status === 200 &&
        e.response_body_digest !== null &&
        (STATIC_CLASSES.has(e.content_class) ||
          /\b(public|s-maxage)\b/i.test(cacheControl(e.response_headers))),
    )
    .map((e) => ({
      url: e.url,
      digest: e.response_body_digest ?? "",
      validator: e.validator,
      first_seen: e.started_at,
      session_id: e.session_id,
      exchange_id: e.id,
    }));
}

function cacheControl(headersJson: string): string {
  try {
    const headers = JSON.parse(headersJson) as unknown;
    if (!Array.isArray(headers)) return "";
    return headers
      .filter(
        (h): h is [string, string] => Array.isArray(h) && String(h[0]).toLowerCase() === "cache-control",
      )
      .map((h) => String(h[1]))
      .join(",");
  } catch {
    return "";
  }
}

/**
 * The session row a chunk implies, for a partition that may not have one yet (a session crossing into a new
 * partition): written INSERT OR IGNORE, so it costs a row only the first time. Shards send the full row with
 * a session's first record and once a minute after (record-exchange.ts).
 */
export function impliedSession(chunk: ChunkMessage): SessionWrite | null {
  const first = chunk.records[0]?.exchange;
  if (!first) return null;
  const context = parseContext(first.context);
  return {
    id: chunk.session_id,
    first_seen: Math.min(...chunk.records.map((r) => r.exchange.started_at)),
    last_seen: Math.max(...chunk.records.map((r) => r.exchange.started_at)),
    host: hostOf(first.url),
    user_agent: typeof context["userAgent"] === "string" ? context["userAgent"] : null,
    device: typeof context["device"] === "string" ? context["device"] : "unknown",
    country: typeof context["country"] === "string" ? context["country"] : null,
    client_network: typeof context["clientNetwork"] === "string" ? context["clientNetwork"] : null,
  };
}

function parseContext(json: string): Record<string, unknown> {
  try {
    const value = JSON.parse(json) as unknown;
    return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return "";
  }
}

/** A URL as chunk rows keep it for search: path and query, without scheme and host (the same on every row). */
export function searchablePath(url: string): string {
  return url.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i, "") || "/";
}
