import { IN_JSON, JSON_LIST, slices } from "./sql-lists.ts";

/**
 * Exchanges recorded before the compact index (migrations/0004 exchange_log, in the control database): what
 * bodies expired sessions' rows name, and which bodies rows still kept name. The table only shrinks.
 */
export class LegacyRows {
  readonly #db: D1Database;

  constructor(db: D1Database) {
    this.#db = db;
  }

  /** Legacy rows (before the compact index, control database) of these sessions, as digests they name. */
  async digestsOf(sessionIds: readonly string[]): Promise<Map<string, string[]>> {
    const out = new Map<string, string[]>();
    if (!(await this.#hasLegacy())) return out;
    for (const part of slices(sessionIds, JSON_LIST)) {
      const { results } = await this.#db
        .prepare(
          `SELECT session_id, request_body_digest AS a, response_body_digest AS b, revalidated_digest AS c
           FROM exchange_log WHERE session_id IN ${IN_JSON}`,
        )
        .bind(JSON.stringify(part))
        .all<{ session_id: string; a: string | null; b: string | null; c: string | null }>();
      for (const row of results)
        out.set(row.session_id, [
          ...(out.get(row.session_id) ?? []),
          ...[row.a, row.b, row.c].filter((d): d is string => d !== null),
        ]);
    }
    return out;
  }

  /** Of these digests, those a remaining legacy row still names (a pass over the legacy table per thousand). */
  async referenced(digests: readonly string[]): Promise<Set<string>> {
    const found = new Set<string>();
    if (!(await this.#hasLegacy())) return found;
    for (const part of slices(digests, JSON_LIST)) {
      const { results } = await this.#db
        .prepare(
          `SELECT request_body_digest AS a, response_body_digest AS b, revalidated_digest AS c FROM exchange_log
           WHERE request_body_digest IN ${IN_JSON} OR response_body_digest IN ${IN_JSON}
             OR revalidated_digest IN ${IN_JSON}`,
        )
        .bind(JSON.stringify(part), JSON.stringify(part), JSON.stringify(part))
        .all<{ a: string | null; b: string | null; c: string | null }>();
      for (const row of results) for (const d of [row.a, row.b, row.c]) if (d !== null) found.add(d);
    }
    return found;
  }

  /** Rows from before the compact index are finite; most deployments have none left. */
  #legacy: Promise<boolean> | null = null;
  #hasLegacy(): Promise<boolean> {
    this.#legacy ??= this.#db
      .prepare("SELECT 1 AS one FROM exchange_log LIMIT 1")
      .first<{ one: number }>()
      .then((row) => row !== null);
    return this.#legacy;
  }
}
