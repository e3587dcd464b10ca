import type { ExchangeRow, SessionRow } from "./rows.ts";

/**
 * Read queries behind the support console and its API (timelines, replay frames). Timeline rows carry only
 * the columns a timeline shows, plus two request headers pulled out in SQL so a long session does not ship
 * every header list to the Worker.
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

// Header lists are stored as JSON [[name, value], ...] with lower-case names (Headers iteration order).
const requestHeader = (name: string) =>
  `(SELECT json_extract(h.value, '$[1]') FROM json_each(request_headers) AS h
     WHERE json_extract(h.value, '$[0]') = '${name}' LIMIT 1)`;

const TIMELINE_COLUMNS = `id, session_id, started_at, total_ms, method, url, status, content_type, content_class,
  page_view, request_body_digest, request_body_size, request_body_note, response_body_digest, response_body_note,
  error, mask_policy,
  mask_report, ${requestHeader("sec-fetch-dest")} AS fetch_dest, ${requestHeader("content-type")} AS request_type`;

/** The sessions of one customer that a customer view shows: the most recent ones. */
const CUSTOMER_SESSIONS = `SELECT s.id FROM sessions AS s JOIN session_customers AS c ON c.session_id = s.id
  WHERE c.customer_token = ? ORDER BY s.last_seen DESC LIMIT ?`;

export class ConsoleReader {
  readonly #db: D1Database;

  constructor(db: D1Database) {
    this.#db = db;
  }

  /** A session's exchanges in order, at most `limit` of them (ask for one more to learn about truncation). */
  async sessionTimeline(sessionId: string, limit: number): Promise<TimelineRow[]> {
    const { results } = await this.#db
      .prepare(
        `SELECT ${TIMELINE_COLUMNS} FROM exchanges WHERE session_id = ? ORDER BY started_at, id LIMIT ?`,
      )
      .bind(sessionId, limit)
      .all<TimelineRow>();
    return results;
  }

  /** The customers (keyed tokens) a session is linked to, usually one: who logged in during it. */
  async customersOfSession(sessionId: string): Promise<string[]> {
    const { results } = await this.#db
      .prepare(
        "SELECT customer_token FROM session_customers WHERE session_id = ? ORDER BY first_seen LIMIT 10",
      )
      .bind(sessionId)
      .all<{ customer_token: string }>();
    return results.map((row) => row.customer_token);
  }

  async customerSessions(customerToken: string, limit: number): Promise<SessionRow[]> {
    const { results } = await this.#db
      .prepare(`SELECT * FROM sessions WHERE id IN (${CUSTOMER_SESSIONS}) ORDER BY first_seen, id`)
      .bind(customerToken, limit)
      .all<SessionRow>();
    return results;
  }

  /** The exchanges of the sessions `customerSessions` returns, in time order across sessions. */
  async customerTimeline(customerToken: string, sessionLimit: number, limit: number): Promise<TimelineRow[]> {
    const { results } = await this.#db
      .prepare(
        `SELECT ${TIMELINE_COLUMNS} FROM exchanges WHERE session_id IN (${CUSTOMER_SESSIONS})
         ORDER BY started_at, id LIMIT ?`,
      )
      .bind(customerToken, sessionLimit, limit)
      .all<TimelineRow>();
    return results;
  }

  /** The page views just before and just after one exchange in its session (exchanges_by_session index). */
  async neighbourPageViews(
    exchange: Pick<ExchangeRow, "id" | "session_id" | "started_at">,
  ): Promise<{ previous: PageViewLink | null; next: PageViewLink | null }> {
    const columns = "id, url, started_at, status";
    const [previous, next] = await Promise.all([
      this.#db
        .prepare(
          `SELECT ${columns} FROM exchanges WHERE session_id = ? AND page_view = 1 AND (started_at, id) < (?, ?)
           ORDER BY started_at DESC, id DESC LIMIT 1`,
        )
        .bind(exchange.session_id, exchange.started_at, exchange.id)
        .first<PageViewLink>(),
      this.#db
        .prepare(
          `SELECT ${columns} FROM exchanges WHERE session_id = ? AND page_view = 1 AND (started_at, id) > (?, ?)
           ORDER BY started_at, id LIMIT 1`,
        )
        .bind(exchange.session_id, exchange.started_at, exchange.id)
        .first<PageViewLink>(),
    ]);
    return { previous, next };
  }

  /** What the replay engine noted while this page view was replayed (blocked or unrecorded requests). */
  async replayEvents(sessionId: string, pageViewId: string, limit: number): Promise<ReplayEventRow[]> {
    const { results } = await this.#db
      .prepare(
        `SELECT * FROM replay_events WHERE session_id = ? AND page_view_id = ? ORDER BY at, id LIMIT ?`,
      )
      .bind(sessionId, pageViewId, limit)
      .all<ReplayEventRow>();
    return results;
  }
}
