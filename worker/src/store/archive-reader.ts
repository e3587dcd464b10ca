import type { ExchangeRow, SessionRow } from "./rows.ts";

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
  readonly #db: D1Database;

  constructor(db: D1Database) {
    this.#db = db;
  }

  async listSessions(filter: SessionFilter): Promise<SessionRow[]> {
    const where = ["last_seen >= ?", "first_seen <= ?"];
    const params: Array<string | number> = [filter.from, filter.to];
    if (filter.sessionId) {
      where.push("id = ?");
      params.push(filter.sessionId);
    }
    if (filter.keyHash) {
      where.push("id IN (SELECT session_id FROM session_keys WHERE key_hash = ?)");
      params.push(filter.keyHash);
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
      // instr() rather than LIKE: the user's text has no wildcard meaning.
      where.push(
        "id IN (SELECT session_id FROM exchanges WHERE instr(url, ?) > 0 AND started_at BETWEEN ? AND ?)",
      );
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
    const { results } = await this.#db
      .prepare(`SELECT * FROM sessions WHERE ${where.join(" AND ")} ORDER BY last_seen DESC, id DESC LIMIT ?`)
      .bind(...params)
      .all<SessionRow>();
    return results;
  }

  getSession(id: string): Promise<SessionRow | null> {
    return this.#db.prepare("SELECT * FROM sessions WHERE id = ?").bind(id).first<SessionRow>();
  }

  async listExchanges(
    sessionId: string,
    after: { startedAt: number; id: string } | null,
    limit: number,
  ): Promise<ExchangeRow[]> {
    const { results } = await this.#db
      .prepare(
        `SELECT * FROM exchanges WHERE session_id = ? AND (started_at, id) > (?, ?)
         ORDER BY started_at, id LIMIT ?`,
      )
      .bind(sessionId, after?.startedAt ?? -1, after?.id ?? "", limit)
      .all<ExchangeRow>();
    return results;
  }

  getExchange(id: string): Promise<ExchangeRow | null> {
    return this.#db.prepare("SELECT * FROM exchanges WHERE id = ?").bind(id).first<ExchangeRow>();
  }

  async recentFailures(since: number): Promise<{ stage: string; kind: string; count: number }[]> {
    const { results } = await this.#db
      .prepare(
        "SELECT stage, kind, count(*) AS count FROM recorder_failures WHERE at >= ? GROUP BY stage, kind",
      )
      .bind(since)
      .all<{ stage: string; kind: string; count: number }>();
    return results;
  }
}
