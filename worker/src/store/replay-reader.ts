import type { ExchangeRow } from "./rows.ts";

/**
 * The archive as replay reads it (worker/src/replay) and as the console lists it. Every method is one
 * prepared statement on an index of migrations/0001 and 0003:
 *
 *   pageViews(sessionId)                       the session's page views, in order (started_at, id)
 *   pageView(sessionId, pageViewId)            one page view of that session, or null
 *   exchange(id)                               any exchange, or null
 *   matchCandidates(sessionId, url, options)   the session's exchanges of one masked URL, any method, in order
 *                                              ({ sealed: true }: URLs that start with `url` up to "[enc]")
 *   capturesOf(url, around, limit)             archive-wide GET 200 captures of a masked URL with a stored
 *                                              body, nearest in time to `around` first (cached assets)
 *   captureByValidator(url, validator, around) the capture nearest `around` whose ETag/Last-Modified is this
 *   captureByDigest(url, digest, around)       the capture nearest `around` whose response body is this digest
 *   replayEvents(sessionId, pageViewId)        what happened while replaying that page view, oldest first
 *   recordEvent(event)                         the one write: a replay_events row
 */
export type ReplayEventKind = "blocked" | "not_recorded";

/** Mirrors replay_events (migrations/0003). */
export type ReplayEventRow = {
  id: number;
  at: number;
  session_id: string;
  page_view_id: string;
  kind: ReplayEventKind;
  /** Masked like every stored URL. */
  url: string;
};

export class ReplayReader {
  readonly #db: D1Database;

  constructor(db: D1Database) {
    this.#db = db;
  }

  async pageViews(sessionId: string): Promise<ExchangeRow[]> {
    const { results } = await this.#db
      .prepare("SELECT * FROM exchanges WHERE session_id = ? AND page_view = 1 ORDER BY started_at, id")
      .bind(sessionId)
      .all<ExchangeRow>();
    return results;
  }

  pageView(sessionId: string, pageViewId: string): Promise<ExchangeRow | null> {
    return this.#db
      .prepare("SELECT * FROM exchanges WHERE id = ? AND session_id = ? AND page_view = 1")
      .bind(pageViewId, sessionId)
      .first<ExchangeRow>();
  }

  exchange(id: string): Promise<ExchangeRow | null> {
    return this.#db.prepare("SELECT * FROM exchanges WHERE id = ?").bind(id).first<ExchangeRow>();
  }

  async matchCandidates(
    sessionId: string,
    url: string,
    options: { sealed?: boolean } = {},
  ): Promise<ExchangeRow[]> {
    // `+url` keeps SQLite on exchanges_by_session (one session's rows) rather than exchanges_by_url_validator,
    // which for a shared asset would walk every session's capture of it.
    if (!options.sealed) {
      const { results } = await this.#db
        .prepare("SELECT * FROM exchanges WHERE session_id = ? AND +url = ? ORDER BY started_at, id")
        .bind(sessionId, url)
        .all<ExchangeRow>();
      return results;
    }
    // `encrypt` rules seal values with fresh randomness: such URLs compare only up to their first sealed part.
    const prefix = url.slice(0, url.indexOf("[enc"));
    const { results } = await this.#db
      .prepare(
        "SELECT * FROM exchanges WHERE session_id = ? AND substr(url, 1, ?) = ? ORDER BY started_at, id",
      )
      .bind(sessionId, prefix.length, prefix)
      .all<ExchangeRow>();
    return results;
  }

  async capturesOf(url: string, around: number, limit = 50): Promise<ExchangeRow[]> {
    const { results } = await this.#db
      .prepare(
        `SELECT * FROM exchanges
         WHERE url = ? AND method = 'GET' AND status = 200 AND response_body_digest IS NOT NULL
         ORDER BY abs(started_at - ?), id LIMIT ?`,
      )
      .bind(url, around, limit)
      .all<ExchangeRow>();
    return results;
  }

  captureByValidator(url: string, validator: string, around: number): Promise<ExchangeRow | null> {
    return this.#db
      .prepare(
        `SELECT * FROM exchanges WHERE url = ? AND validator = ? AND response_body_digest IS NOT NULL
         ORDER BY abs(started_at - ?), id LIMIT 1`,
      )
      .bind(url, validator, around)
      .first<ExchangeRow>();
  }

  captureByDigest(url: string, digest: string, around: number): Promise<ExchangeRow | null> {
    return this.#db
      .prepare(
        `SELECT * FROM exchanges WHERE url = ? AND response_body_digest = ?
         ORDER BY abs(started_at - ?), id LIMIT 1`,
      )
      .bind(url, digest, around)
      .first<ExchangeRow>();
  }

  async replayEvents(sessionId: string, pageViewId: string): Promise<ReplayEventRow[]> {
    const { results } = await this.#db
      .prepare("SELECT * FROM replay_events WHERE session_id = ? AND page_view_id = ? ORDER BY at, id")
      .bind(sessionId, pageViewId)
      .all<ReplayEventRow>();
    return results;
  }

  async recordEvent(event: Omit<ReplayEventRow, "id">): Promise<void> {
    await this.#db
      .prepare("INSERT INTO replay_events (at, session_id, page_view_id, kind, url) VALUES (?, ?, ?, ?, ?)")
      .bind(event.at, event.session_id, event.page_view_id, event.kind, event.url)
      .run();
  }
}
