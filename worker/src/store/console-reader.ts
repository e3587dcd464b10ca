import { mergeSessions } from "./archive-reader.ts";
import { inOrder, RecordReader, type ReadStores } from "./record-reader.ts";
import type { ExchangeRow, SessionRow } from "../record/rows.ts";

/**
 * Read queries behind the support console and its API (timelines, replay frames). Timeline rows carry only
 * the columns a timeline shows, plus two request headers (Sec-Fetch-Dest, Content-Type).
 */
export type TimelineRow = Pick<
  ExchangeRow,
  | "id"
  | "session_id"
  | "started_at"
  | "total_ms"
  | "method"
  | "url"
  | "status"
  | "content_type"
  | "content_class"
  | "page_view"
  | "request_body_digest"
  | "request_body_size"
  | "request_body_note"
  | "response_body_digest"
  | "response_body_note"
  | "error"
  | "mask_policy"
  | "mask_report"
> & {
  /** Sec-Fetch-Dest of the request (style, script, image, empty, document, ...), when the browser sent it. */
  fetch_dest: string | null;
  /** Content-Type of the request body. */
  request_type: string | null;
};

export type PageViewLink = Pick<ExchangeRow, "id" | "url" | "started_at" | "status">;

/** migrations/0003_create_replay_events.sql */
export type ReplayEventRow = {
  id: number;
  at: number;
  session_id: string;
  page_view_id: string;
  kind: string;
  url: string;
};

/** A request header of a stored header list (JSON [[name, value], ...], lower-case names). */
function requestHeader(headersJson: string, name: string): string | null {
  try {
    const headers = JSON.parse(headersJson) as unknown;
    if (!Array.isArray(headers)) return null;
    for (const pair of headers)
      if (Array.isArray(pair) && pair[0] === name && typeof pair[1] === "string") return pair[1];
  } catch {
    // A header list that is not JSON has no such header.
  }
  return null;
}

function timelineRow(row: ExchangeRow): TimelineRow {
  return {
    id: row.id,
    session_id: row.session_id,
    started_at: row.started_at,
    total_ms: row.total_ms,
    method: row.method,
    url: row.url,
    status: row.status,
    content_type: row.content_type,
    content_class: row.content_class,
    page_view: row.page_view,
    request_body_digest: row.request_body_digest,
    request_body_size: row.request_body_size,
    request_body_note: row.request_body_note,
    response_body_digest: row.response_body_digest,
    response_body_note: row.response_body_note,
    error: row.error,
    mask_policy: row.mask_policy,
    mask_report: row.mask_report,
    fetch_dest: requestHeader(row.request_headers, "sec-fetch-dest"),
    request_type: requestHeader(row.request_headers, "content-type"),
  };
}

export class ConsoleReader {
  readonly #stores: ReadStores;
  readonly #records: RecordReader;

  constructor(stores: ReadStores) {
    this.#stores = stores;
    this.#records = new RecordReader(stores);
  }

  /** A session's exchanges in order, at most `limit` of them (ask for one more to learn about truncation). */
  async sessionTimeline(sessionId: string, limit: number): Promise<TimelineRow[]> {
    return (await this.#records.sessionRecords(sessionId)).slice(0, limit).map(timelineRow);
  }

  /** The customers (keyed tokens) a session is linked to, usually one: who logged in during it. */
  async customersOfSession(sessionId: string): Promise<string[]> {
    const answers = await Promise.all(
      this.#stores.partitions.all.map((p) =>
        p.db
          .prepare(
            "SELECT customer_token, first_seen FROM session_customers WHERE session_id = ? ORDER BY first_seen LIMIT 10",
          )
          .bind(sessionId)
          .all<{ customer_token: string; first_seen: number }>(),
      ),
    );
    const rows = answers.flatMap((a) => a.results).sort((a, b) => a.first_seen - b.first_seen);
    return [...new Set(rows.map((row) => row.customer_token))].slice(0, 10);
  }

  /** The customer's most recent sessions (at most `limit`), oldest first. */
  async customerSessions(customerToken: string, limit: number): Promise<SessionRow[]> {
    // Each partition names its own most recent ones; a session in two partitions is merged.
    const answers = await Promise.all(
      this.#stores.partitions.all.map((p) =>
        p.db
          .prepare(
            `SELECT * FROM sessions WHERE id IN
               (SELECT session_id FROM session_customers WHERE customer_token = ?)
             ORDER BY last_seen DESC LIMIT ?`,
          )
          .bind(customerToken, limit)
          .all<SessionRow>(),
      ),
    );
    return mergeSessions(answers.flatMap((a) => a.results))
      .sort((a, b) => b.last_seen - a.last_seen)
      .slice(0, limit)
      .sort((a, b) => a.first_seen - b.first_seen || (a.id < b.id ? -1 : 1));
  }

  /** The exchanges of the sessions `customerSessions` returns, in time order across sessions. */
  async customerTimeline(customerToken: string, sessionLimit: number, limit: number): Promise<TimelineRow[]> {
    const sessions = await this.customerSessions(customerToken, sessionLimit);
    const records = await Promise.all(sessions.map((s) => this.#records.sessionRecords(s.id)));
    return inOrder(records.flat()).slice(0, limit).map(timelineRow);
  }

  /** The page views just before and just after one exchange in its session. */
  async neighbourPageViews(
    exchange: Pick<ExchangeRow, "id" | "session_id" | "started_at">,
  ): Promise<{ previous: PageViewLink | null; next: PageViewLink | null }> {
    const key = (r: Pick<ExchangeRow, "started_at" | "id">) => [r.started_at, r.id] as const;
    const before = (a: Pick<ExchangeRow, "started_at" | "id">, b: Pick<ExchangeRow, "started_at" | "id">) =>
      key(a)[0] < key(b)[0] || (key(a)[0] === key(b)[0] && a.id < b.id);
    const pages = (await this.#records.sessionRecords(exchange.session_id)).filter((r) => r.page_view === 1);
    const link = (r: ExchangeRow | undefined): PageViewLink | null =>
      r ? { id: r.id, url: r.url, started_at: r.started_at, status: r.status } : null;
    return {
      previous: link(pages.filter((r) => before(r, exchange)).at(-1)),
      next: link(pages.find((r) => before(exchange, r))),
    };
  }

  /** What the replay engine noted while this page view was replayed (blocked or unrecorded requests). */
  async replayEvents(sessionId: string, pageViewId: string, limit: number): Promise<ReplayEventRow[]> {
    const { results } = await this.#stores.partitions.control
      .prepare(
        `SELECT * FROM replay_events WHERE session_id = ? AND page_view_id = ? ORDER BY at, id LIMIT ?`,
      )
      .bind(sessionId, pageViewId, limit)
      .all<ReplayEventRow>();
    return results;
  }
}
