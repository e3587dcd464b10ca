import { searchablePath } from "../record/chunk-summary.ts";
import { sessionIdFromKey } from "../snapshot/ids.ts";
import { partitionsBetween } from "./partitions.ts";
import { RecordReader, type ReadStores } from "./record-reader.ts";
import type { ExchangeRow, SessionRow } from "../record/rows.ts";

/** Read queries behind the API; the SQL lives here so handlers only see rows. */
export type SessionFilter = {
  from: number;
  to: number;
  sessionId: string | null;
  keyHash: string | null;
  customerToken: string | null;
  device: string | null;
  withErrors: boolean;
  urlContains: string | null;
  userAgentContains: string | null;
  after: { lastSeen: number; id: string } | null;
  limit: number;
};

export class ArchiveReader {
  readonly #stores: ReadStores;
  readonly #records: RecordReader;

  constructor(stores: ReadStores) {
    this.#stores = stores;
    this.#records = new RecordReader(stores);
  }

  async listSessions(filter: SessionFilter): Promise<SessionRow[]> {
    const where = ["last_seen >= ?", "first_seen <= ?"];
    const params: Array<string | number> = [filter.from, filter.to];
    if (filter.sessionId) {
      where.push("id = ?");
      params.push(filter.sessionId);
    }
    if (filter.keyHash) {
      // The cookie that named its session has no session_keys row: the session id is its key's prefix.
      where.push("(id IN (SELECT session_id FROM session_keys WHERE key_hash = ?) OR id = ?)");
      params.push(filter.keyHash, sessionIdFromKey(filter.keyHash));
    }
    if (filter.customerToken) {
      where.push("id IN (SELECT session_id FROM session_customers WHERE customer_token = ?)");
      params.push(filter.customerToken);
    }
    if (filter.device) {
      where.push("device = ?");
      params.push(filter.device);
    }
    if (filter.withErrors) where.push("error_count > 0");
    if (filter.urlContains) {
      // instr() rather than LIKE: the user's text has no wildcard meaning. Chunk rows list the URLs of page
      // views, form posts and errors; exchanges recorded before them are searched in exchange_log.
      where.push(
        `(id IN (SELECT session_id FROM record_chunks WHERE instr(urls, ?) > 0 AND started_at BETWEEN ? AND ?)
          OR id IN (SELECT session_id FROM exchange_log WHERE instr(url, ?) > 0 AND started_at BETWEEN ? AND ?))`,
      );
      params.push(searchablePath(filter.urlContains), filter.from, filter.to);
      params.push(filter.urlContains, filter.from, filter.to);
    }
    if (filter.userAgentContains) {
      where.push("instr(lower(user_agent), lower(?)) > 0");
      params.push(filter.userAgentContains);
    }
    if (filter.after) {
      where.push("(last_seen, id) < (?, ?)");
      params.push(filter.after.lastSeen, filter.after.id);
    }
    params.push(filter.limit);
    // Each partition answers for the time range; a session in two partitions is merged (store/partitions.ts).
    const answers = await Promise.all(
      partitionsBetween(this.#stores.partitions, filter.from, filter.to).map((p) =>
        p.db
          .prepare(
            `SELECT * FROM sessions WHERE ${where.join(" AND ")} ORDER BY last_seen DESC, id DESC LIMIT ?`,
          )
          .bind(...params)
          .all<SessionRow>(),
      ),
    );
    return mergeSessions(answers.flatMap((a) => a.results))
      .sort((a, b) => b.last_seen - a.last_seen || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0))
      .slice(0, filter.limit);
  }

  async getSession(id: string): Promise<SessionRow | null> {
    const answers = await Promise.all(
      this.#stores.partitions.all.map((p) =>
        p.db.prepare("SELECT * FROM sessions WHERE id = ?").bind(id).first<SessionRow>(),
      ),
    );
    return mergeSessions(answers.filter((row): row is SessionRow => row !== null))[0] ?? null;
  }

  async listExchanges(
    sessionId: string,
    after: { startedAt: number; id: string } | null,
    limit: number,
  ): Promise<ExchangeRow[]> {
    const all = await this.#records.sessionRecords(sessionId);
    return all
      .filter(
        (r) =>
          !after || r.started_at > after.startedAt || (r.started_at === after.startedAt && r.id > after.id),
      )
      .slice(0, limit);
  }

  getExchange(id: string): Promise<ExchangeRow | null> {
    return this.#records.exchange(id);
  }

  async recentFailures(since: number): Promise<{ stage: string; kind: string; count: number }[]> {
    const { results } = await this.#stores.partitions.control
      .prepare(
        "SELECT stage, kind, count(*) AS count FROM recorder_failures WHERE at >= ? GROUP BY stage, kind",
      )
      .bind(since)
      .all<{ stage: string; kind: string; count: number }>();
    return results;
  }
}

/** One row per session: a session with rows in two partitions is one session (counts add up). */
export function mergeSessions(rows: readonly SessionRow[]): SessionRow[] {
  const byId = new Map<string, SessionRow>();
  for (const row of rows) {
    const seen = byId.get(row.id);
    byId.set(
      row.id,
      seen
        ? {
            ...seen,
            first_seen: Math.min(seen.first_seen, row.first_seen),
            last_seen: Math.max(seen.last_seen, row.last_seen),
            exchange_count: seen.exchange_count + row.exchange_count,
            page_view_count: seen.page_view_count + row.page_view_count,
            error_count: seen.error_count + row.error_count,
          }
        : row,
    );
  }
  return [...byId.values()];
}
