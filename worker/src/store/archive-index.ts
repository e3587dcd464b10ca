import { impliedSession, type CaptureRow, type ChunkRow } from "../record/chunk-summary.ts";
import type { ChunkMessage } from "../record/record-message.ts";
import { sessionIdFromKey } from "../snapshot/ids.ts";
import { partitionAt, type Partitions } from "./partitions.ts";

/** A chunk on its way into the index: the queued records and the row that points at their segment. */
export type ChunkWrite = { chunk: ChunkMessage; row: ChunkRow; captures: readonly CaptureRow[] };

/**
 * Every D1 statement the recording path reads and writes with, built in one place. Recording shards read
 * (session keys, revalidation); the records queue's consumer writes, a batch at a time, into the partition
 * each chunk's time falls in (store/partitions.ts).
 */
export class ArchiveIndex {
  readonly #partitions: Partitions;

  constructor(partitions: Partitions) {
    this.#partitions = partitions;
  }

  /**
   * Session ids already known for any of these cookie key hashes, in any partition. A key that named its
   * session has no session_keys row: the session id is its prefix (session-keys.ts), found in session_log.
   */
  async sessionsForKeys(keyHashes: readonly string[]): Promise<Map<string, string>> {
    const found = new Map<string, string>();
    if (keyHashes.length === 0) return found;
    const placeholders = keyHashes.map(() => "?").join(",");
    const prefixes = keyHashes.map(sessionIdFromKey);
    const answers = await Promise.all(
      [...this.#partitions.all].reverse().map((p) =>
        p.db
          .prepare(
            `SELECT key_hash, session_id FROM session_keys WHERE key_hash IN (${placeholders})
             UNION ALL SELECT NULL, id FROM session_log WHERE id IN (${placeholders})`,
          )
          .bind(...keyHashes, ...prefixes)
          .all<{ key_hash: string | null; session_id: string }>(),
      ),
    );
    const rows = answers.flatMap((a) => a.results);
    // Explicit mappings first: a cookie the origin issued inside a visit belongs to that visit.
    for (const row of rows)
      if (row.key_hash !== null && !found.has(row.key_hash)) found.set(row.key_hash, row.session_id);
    for (const row of rows) {
      if (row.key_hash !== null) continue;
      const key = keyHashes[prefixes.indexOf(row.session_id)];
      if (key !== undefined && !found.has(key)) found.set(key, row.session_id);
    }
    return found;
  }

  /** The stored body of `url` with this validator: what a 304 for it revalidated. */
  async bodyForValidator(url: string, validator: string): Promise<string | null> {
    for (const p of [...this.#partitions.all].reverse()) {
      const row = await p.db
        .prepare(
          `SELECT digest FROM captures WHERE url = ? AND validator = ? ORDER BY first_seen DESC LIMIT 1`,
        )
        .bind(url, validator)
        .first<{ digest: string }>();
      if (row) return row.digest;
    }
    // Records from before the compact index (migrations/0007).
    const legacy = await this.#partitions.control
      .prepare(
        `SELECT response_body_digest AS digest FROM exchange_log
         WHERE url = ? AND validator = ? AND response_body_digest IS NOT NULL
         ORDER BY started_at DESC LIMIT 1`,
      )
      .bind(url, validator)
      .first<{ digest: string }>();
    return legacy?.digest ?? null;
  }

  /**
   * Writes a batch of chunks: per partition one `batch()`, a single transaction, so a reader never sees
   * a chunk whose session is missing, nor half a batch. Idempotent: a chunk written before (a redelivered
   * message) writes no row again (INSERT OR IGNORE; the session upsert only ever widens first/last seen).
   */
  async writeChunks(writes: readonly ChunkWrite[]): Promise<{ rowsWritten: number }> {
    const byPartition = new Map<D1Database, D1PreparedStatement[]>();
    const seen = new Set<string>();
    const once = (key: string) => !seen.has(key) && (seen.add(key), true);
    for (const { chunk, row, captures } of writes) {
      const partition = partitionAt(this.#partitions, row.started_at);
      const db = partition.db;
      const statements = byPartition.get(db) ?? [];
      byPartition.set(db, statements);
      const implied = chunk.records.some((r) => r.session) ? null : impliedSession(chunk);
      if (implied && once(`s:${partition.binding}:${implied.id}`))
        statements.push(
          db
            .prepare(
              `INSERT OR IGNORE INTO session_log (id, first_seen, last_seen, host, user_agent, device, country,
                 client_network) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
            )
            .bind(
              implied.id,
              implied.first_seen,
              implied.last_seen,
              implied.host,
              implied.user_agent,
              implied.device,
              implied.country,
              implied.client_network,
            ),
        );
      // Session rows first: keys and customer links reference them (foreign keys, checked per statement), and
      // the record that carries a session's row need not be its first (a shard records a batch concurrently).
      for (const record of chunk.records) {
        const s = record.session;
        if (s)
          statements.push(
            db
              .prepare(
                `INSERT INTO session_log (id, first_seen, last_seen, host, user_agent, device, country, client_network)
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                 ON CONFLICT (id) DO UPDATE SET
                   first_seen = min(session_log.first_seen, excluded.first_seen),
                   last_seen = max(session_log.last_seen, excluded.last_seen),
                   user_agent = coalesce(session_log.user_agent, excluded.user_agent),
                   country = coalesce(session_log.country, excluded.country),
                   client_network = coalesce(session_log.client_network, excluded.client_network)
                 WHERE excluded.first_seen < session_log.first_seen OR excluded.last_seen > session_log.last_seen
                   OR (session_log.user_agent IS NULL AND excluded.user_agent IS NOT NULL)
                   OR (session_log.country IS NULL AND excluded.country IS NOT NULL)
                   OR (session_log.client_network IS NULL AND excluded.client_network IS NOT NULL)`,
              )
              .bind(
                s.id,
                s.first_seen,
                s.last_seen,
                s.host,
                s.user_agent,
                s.device,
                s.country,
                s.client_network,
              ),
          );
      }
      for (const record of chunk.records) {
        for (const key of record.keys) {
          if (!once(`k:${key.key_hash}`)) continue;
          statements.push(
            db
              .prepare(
                "INSERT OR IGNORE INTO session_keys (key_hash, session_id, cookie_name, first_seen) VALUES (?, ?, ?, ?)",
              )
              .bind(key.key_hash, key.session_id, key.cookie_name, key.first_seen),
          );
        }
        for (const customer of record.customers) {
          if (!once(`c:${customer.customer_token}:${customer.session_id}`)) continue;
          statements.push(
            db
              .prepare(
                "INSERT OR IGNORE INTO session_customers (customer_token, session_id, first_seen) VALUES (?, ?, ?)",
              )
              .bind(customer.customer_token, customer.session_id, customer.first_seen),
          );
        }
      }
      for (const capture of captures) {
        if (!once(`a:${capture.url}\n${capture.digest}`)) continue;
        statements.push(
          db
            .prepare(
              `INSERT OR IGNORE INTO captures (url, digest, validator, first_seen, session_id, exchange_id)
               VALUES (?, ?, ?, ?, ?, ?)`,
            )
            .bind(
              capture.url,
              capture.digest,
              capture.validator,
              capture.first_seen,
              capture.session_id,
              capture.exchange_id,
            ),
        );
      }
      statements.push(
        db
          .prepare(
            `INSERT OR IGNORE INTO record_chunks (session_id, first_id, last_id, started_at, ended_at, exchange_count,
               page_view_count, error_count, urls, segment, segment_offset, segment_length)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          )
          .bind(
            row.session_id,
            row.first_id,
            row.last_id,
            row.started_at,
            row.ended_at,
            row.exchange_count,
            row.page_view_count,
            row.error_count,
            row.urls,
            row.segment,
            row.segment_offset,
            row.segment_length,
          ),
      );
    }
    let rowsWritten = 0;
    for (const [db, statements] of byPartition) {
      const results = await db.batch(statements);
      rowsWritten += results.reduce((sum, r) => sum + (r.meta.rows_written ?? 0), 0);
    }
    return { rowsWritten };
  }

  async recordFailure(at: number, stage: string, kind: string, exchangeId: string | null): Promise<void> {
    await this.#partitions.control
      .prepare("INSERT INTO recorder_failures (at, stage, kind, exchange_id) VALUES (?, ?, ?, ?)")
      .bind(at, stage, kind, exchangeId)
      .run();
  }
}
