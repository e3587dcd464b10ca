import type { CaptureRow } from "../record/chunk-summary.ts";
import { RecordReader, type ReadStores } from "./record-reader.ts";
import type { ExchangeRow } from "../record/rows.ts";

/**
 * The archive as replay reads it (worker/src/replay) and as the console lists it, through the shared read
 * layer (record-reader.ts) and the captures index (migrations/0007):
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
  readonly #stores: ReadStores;
  readonly #records: RecordReader;

  constructor(stores: ReadStores) {
    this.#stores = stores;
    this.#records = new RecordReader(stores);
  }

  async pageViews(sessionId: string): Promise<ExchangeRow[]> {
    return (await this.#records.sessionRecords(sessionId)).filter((r) => r.page_view === 1);
  }

  async pageView(sessionId: string, pageViewId: string): Promise<ExchangeRow | null> {
    const row = await this.#records.exchange(pageViewId);
    return row && row.session_id === sessionId && row.page_view === 1 ? row : null;
  }

  exchange(id: string): Promise<ExchangeRow | null> {
    return this.#records.exchange(id);
  }

  async matchCandidates(
    sessionId: string,
    url: string,
    options: { sealed?: boolean } = {},
  ): Promise<ExchangeRow[]> {
    const records = await this.#records.sessionRecords(sessionId);
    if (!options.sealed) return records.filter((r) => r.url === url);
    // `encrypt` rules seal values with fresh randomness: such URLs compare only up to their first sealed part.
    const prefix = url.slice(0, url.indexOf("[enc"));
    return records.filter((r) => r.url.startsWith(prefix));
  }

  async capturesOf(url: string, around: number, limit = 50): Promise<ExchangeRow[]> {
    const rows = await this.#captures(
      "SELECT * FROM captures WHERE url = ? ORDER BY abs(first_seen - ?), exchange_id LIMIT ?",
      [url, around, limit],
      `SELECT * FROM exchanges
       WHERE url = ? AND method = 'GET' AND status = 200 AND response_body_digest IS NOT NULL
       ORDER BY abs(started_at - ?), id LIMIT ?`,
      [url, around, limit],
    );
    return rows
      .sort(
        (a, b) => Math.abs(a.started_at - around) - Math.abs(b.started_at - around) || (a.id < b.id ? -1 : 1),
      )
      .slice(0, limit);
  }

  async captureByValidator(url: string, validator: string, around: number): Promise<ExchangeRow | null> {
    const rows = await this.#captures(
      "SELECT * FROM captures WHERE url = ? AND validator = ? ORDER BY abs(first_seen - ?), exchange_id LIMIT 1",
      [url, validator, around],
      `SELECT * FROM exchanges WHERE url = ? AND validator = ? AND response_body_digest IS NOT NULL
       ORDER BY abs(started_at - ?), id LIMIT 1`,
      [url, validator, around],
    );
    return nearest(rows, around);
  }

  async captureByDigest(url: string, digest: string, around: number): Promise<ExchangeRow | null> {
    const rows = await this.#captures(
      "SELECT * FROM captures WHERE url = ? AND digest = ? ORDER BY abs(first_seen - ?), exchange_id LIMIT 1",
      [url, digest, around],
      `SELECT * FROM exchanges WHERE url = ? AND response_body_digest = ?
       ORDER BY abs(started_at - ?), id LIMIT 1`,
      [url, digest, around],
    );
    return nearest(rows, around);
  }

  /** Capture rows from every partition, as the exchanges they name, plus matching rows from before them. */
  async #captures(
    sql: string,
    params: ReadonlyArray<string | number>,
    legacySql: string,
    legacyParams: ReadonlyArray<string | number>,
  ): Promise<ExchangeRow[]> {
    const [answers, legacy] = await Promise.all([
      Promise.all(
        this.#stores.partitions.all.map((p) =>
          p.db
            .prepare(sql)
            .bind(...params)
            .all<CaptureRow>(),
        ),
      ),
      this.#stores.partitions.control
        .prepare(legacySql)
        .bind(...legacyParams)
        .all<ExchangeRow>(),
    ]);
    const found = await Promise.all(
      answers.flatMap((a) => a.results).map((c) => this.#records.exchange(c.exchange_id)),
    );
    return [...found.filter((r): r is ExchangeRow => r !== null), ...legacy.results];
  }

  async replayEvents(sessionId: string, pageViewId: string): Promise<ReplayEventRow[]> {
    const { results } = await this.#stores.partitions.control
      .prepare("SELECT * FROM replay_events WHERE session_id = ? AND page_view_id = ? ORDER BY at, id")
      .bind(sessionId, pageViewId)
      .all<ReplayEventRow>();
    return results;
  }

  async recordEvent(event: Omit<ReplayEventRow, "id">): Promise<void> {
    await this.#stores.partitions.control
      .prepare("INSERT INTO replay_events (at, session_id, page_view_id, kind, url) VALUES (?, ?, ?, ?, ?)")
      .bind(event.at, event.session_id, event.page_view_id, event.kind, event.url)
      .run();
  }
}

function nearest(rows: readonly ExchangeRow[], around: number): ExchangeRow | null {
  return (
    [...rows].sort(
      (a, b) => Math.abs(a.started_at - around) - Math.abs(b.started_at - around) || (a.id < b.id ? -1 : 1),
    )[0] ?? null
  );
}
