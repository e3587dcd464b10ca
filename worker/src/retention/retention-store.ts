import type { ChunkRow } from "../record/chunk-summary.ts";
import type { Partitions } from "../store/partitions.ts";
import { LegacyRows } from "./legacy-rows.ts";
import { IN_JSON, JSON_LIST, slices } from "./sql-lists.ts";
import type { RefWrite } from "./mark-plan.ts";
import { REF_GRANULE_MS, type RefRow, type SessionFacts } from "./plan.ts";

/**
 * The retention job's D1 statements (migrations/0011 and the index it deletes from). Its own tables live in
 * the control database; sessions and chunks are asked of every partition.
 */
export class RetentionStore {
  readonly partitions: Partitions;
  /** Rows from before the compact index (exchange_log, control database). */
  readonly legacy: LegacyRows;

  constructor(partitions: Partitions) {
    this.partitions = partitions;
    this.legacy = new LegacyRows(partitions.control);
  }

  get #control(): D1Database {
    return this.partitions.control;
  }

  async state(name: string): Promise<unknown> {
    const row = await this.#control
      .prepare("SELECT value FROM retention_state WHERE name = ?")
      .bind(name)
      .first<{ value: string }>();
    if (!row) return null;
    try {
      return JSON.parse(row.value) as unknown;
    } catch {
      return null;
    }
  }

  async putState(entries: Readonly<Record<string, unknown>>): Promise<void> {
    await this.#control.batch(
      Object.entries(entries).map(([name, value]) =>
        this.#control
          .prepare(
            "INSERT INTO retention_state (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value",
          )
          .bind(name, JSON.stringify(value)),
      ),
    );
  }

  /** Of these digests, the ones body_refs has rows for. */
  async knownDigests(digests: readonly string[]): Promise<Set<string>> {
    return new Set((await this.refsOf(digests)).keys());
  }

  async refsOf(digests: readonly string[]): Promise<Map<string, RefRow[]>> {
    const out = new Map<string, RefRow[]>();
    for (const part of slices(digests, JSON_LIST)) {
      const { results } = await this.#control
        .prepare(`SELECT digest, host, last_ref FROM body_refs WHERE digest IN ${IN_JSON}`)
        .bind(JSON.stringify(part))
        .all<RefRow & { digest: string }>();
      for (const row of results) out.set(row.digest, [...(out.get(row.digest) ?? []), row]);
    }
    return out;
  }

  /**
   * Rows only ever move forward, and by at least REF_GRANULE_MS: a reference within that of the row costs no
   * write (plan.ts weighs rows with that lag).
   */
  async writeRefs(rows: readonly RefWrite[]): Promise<number> {
    if (rows.length === 0) return 0;
    const results = await this.#control.batch(
      rows.map((r) =>
        this.#control
          .prepare(
            `INSERT INTO body_refs (digest, host, last_ref) VALUES (?, ?, ?)
             ON CONFLICT (digest, host) DO UPDATE SET last_ref = excluded.last_ref
             WHERE excluded.last_ref > body_refs.last_ref + ?`,
          )
          .bind(r.digest, r.host, r.last_ref, REF_GRANULE_MS),
      ),
    );
    return results.reduce((sum, r) => sum + (r.meta.rows_written ?? 0), 0);
  }

  /** The next rows in key order after a cursor: the daily pass over body_refs for rows whose time ran out. */
  async refsAfter(
    after: readonly [string, string] | null,
    limit: number,
  ): Promise<(RefRow & { digest: string })[]> {
    const [d, h] = after ?? ["", ""];
    const { results } = await this.#control
      .prepare(
        `SELECT digest, host, last_ref FROM body_refs WHERE digest > ? OR (digest = ? AND host > ?)
         ORDER BY digest, host LIMIT ?`,
      )
      .bind(d, d, h, limit)
      .all<RefRow & { digest: string }>();
    return results;
  }

  async deleteRefRows(rows: readonly { digest: string; host: string }[]): Promise<void> {
    if (rows.length === 0) return;
    await this.#control.batch(
      rows.map((r) =>
        this.#control.prepare("DELETE FROM body_refs WHERE digest = ? AND host = ?").bind(r.digest, r.host),
      ),
    );
  }

  /** A deleted body's rows and legacy `blobs` rows (the table migrations/0001 wrote), in every partition. */
  async forgetBodies(digests: readonly string[]): Promise<void> {
    for (const part of slices(digests, JSON_LIST)) {
      const list = JSON.stringify(part);
      await this.#control.prepare(`DELETE FROM body_refs WHERE digest IN ${IN_JSON}`).bind(list).run();
      for (const p of this.partitions.all)
        await p.db.prepare(`DELETE FROM blobs WHERE digest IN ${IN_JSON}`).bind(list).run();
    }
  }

  /** Each session's facts across partitions: earliest first_seen, latest last_seen. */
  async sessionFacts(ids: readonly string[]): Promise<Map<string, SessionFacts>> {
    const out = new Map<string, SessionFacts>();
    for (const part of slices(ids, JSON_LIST))
      for (const p of this.partitions.all) {
        const { results } = await p.db
          .prepare(`SELECT id, host, first_seen, last_seen FROM session_log WHERE id IN ${IN_JSON}`)
          .bind(JSON.stringify(part))
          .all<SessionFacts>();
        for (const row of results) {
          const seen = out.get(row.id);
          out.set(row.id, {
            id: row.id,
            host: seen?.host || row.host,
            first_seen: Math.min(seen?.first_seen ?? row.first_seen, row.first_seen),
            last_seen: Math.max(seen?.last_seen ?? row.last_seen, row.last_seen),
          });
        }
      }
    return out;
  }

  /** Sessions of one partition last seen before `before`, in (last_seen, id) order after a frontier. */
  async sessionsBefore(
    db: D1Database,
    before: number,
    after: readonly [number, string],
    limit: number,
  ): Promise<SessionFacts[]> {
    const [t, id] = after;
    const { results } = await db
      .prepare(
        `SELECT id, host, first_seen, last_seen FROM session_log
         WHERE last_seen < ? AND (last_seen > ? OR (last_seen = ? AND id > ?))
         ORDER BY last_seen, id LIMIT ?`,
      )
      .bind(before, t, t, id, limit)
      .all<SessionFacts>();
    return results;
  }

  /**
   * Sessions active during [from, to) and last seen before `before`: the expired sessions a day hold keeps.
   * Expired sessions nothing holds are deleted, so the last_seen range holds few rows besides these.
   */
  async sessionsActiveBetween(
    from: number,
    to: number,
    before: number,
    limit: number,
  ): Promise<SessionFacts[]> {
    const out: SessionFacts[] = [];
    for (const p of this.partitions.all) {
      const { results } = await p.db
        .prepare(
          `SELECT id, host, first_seen, last_seen FROM session_log
           WHERE last_seen >= ? AND last_seen < ? AND first_seen < ? ORDER BY last_seen LIMIT ?`,
        )
        .bind(from, before, to, limit)
        .all<SessionFacts>();
      out.push(...results);
    }
    return out;
  }

  /** The chunk rows of these sessions, in every partition. */
  async chunksOf(ids: readonly string[]): Promise<ChunkRow[]> {
    const out: ChunkRow[] = [];
    for (const part of slices(ids, JSON_LIST))
      for (const p of this.partitions.all) {
        const { results } = await p.db
          .prepare(`SELECT * FROM record_chunks WHERE session_id IN ${IN_JSON}`)
          .bind(JSON.stringify(part))
          .all<ChunkRow>();
        out.push(...results);
      }
    return out;
  }

  /** Which of these chunks are still indexed in the segment named (a redelivered chunk's row names another). */
  async liveChunks(
    keys: readonly { session_id: string; first_id: string; segment: string }[],
  ): Promise<Set<string>> {
    const live = new Set<string>();
    for (const part of slices(keys, JSON_LIST))
      for (const p of this.partitions.all) {
        const { results } = await p.db
          .prepare(
            `SELECT session_id, first_id, segment FROM record_chunks
             WHERE (session_id, first_id) IN (SELECT value ->> 0, value ->> 1 FROM json_each(?))`,
          )
          .bind(JSON.stringify(part.map((k) => [k.session_id, k.first_id])))
          .all<{ session_id: string; first_id: string; segment: string }>();
        for (const row of results) live.add(`${row.segment}\n${row.session_id}\n${row.first_id}`);
      }
    return live;
  }

  /** Every listed long session, a page at a time. */
  async longSessions(): Promise<{ session_id: string; host: string; first_seen: number }[]> {
    const out: { session_id: string; host: string; first_seen: number }[] = [];
    for (let after = ""; ;) {
      const { results } = await this.#control
        .prepare(
          "SELECT session_id, host, first_seen FROM retention_long_sessions WHERE session_id > ? ORDER BY session_id LIMIT 1000",
        )
        .bind(after)
        .all<{ session_id: string; host: string; first_seen: number }>();
      out.push(...results);
      const last = results.at(-1);
      if (!last || results.length < 1000) return out;
      after = last.session_id;
    }
  }

  async addLongSessions(
    rows: readonly { session_id: string; host: string; first_seen: number }[],
  ): Promise<void> {
    if (rows.length === 0) return;
    await this.#control.batch(
      rows.map((r) =>
        this.#control
          .prepare(
            "INSERT OR IGNORE INTO retention_long_sessions (session_id, host, first_seen) VALUES (?, ?, ?)",
          )
          .bind(r.session_id, r.host, r.first_seen),
      ),
    );
  }
}
