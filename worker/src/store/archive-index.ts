import { Lru } from "../util/lru.ts";
import { layOut, type ExchangeLogRow } from "./exchange-layout.ts";
import type { BlobRow, ExchangeRow, SessionCustomerRow, SessionKeyRow, SessionWrite } from "./rows.ts";

/** One exchange and the rows that come with it (the masked record a recording shard queued). */
export type RecordWrite = {
  blobs: readonly BlobRow[];
  session: SessionWrite | null;
  keys: readonly SessionKeyRow[];
  customers: readonly SessionCustomerRow[];
  exchange: ExchangeRow;
};

/** Record parts this isolate has written: no statement needed for them in later batches. */
const knownParts = new Lru<string, true>(10_000);

/**
 * Every D1 statement the recorder reads and writes with, built in one place. Recording shards read (session
 * keys, known blobs, revalidation); the records queue's consumer writes, a batch at a time.
 */
export class ArchiveIndex {
  readonly #db: D1Database;

  constructor(db: D1Database) {
    this.#db = db;
  }

  /** Session ids already known for any of these cookie key hashes. */
  async sessionsForKeys(keyHashes: readonly string[]): Promise<Map<string, string>> {
    if (keyHashes.length === 0) return new Map();
    const placeholders = keyHashes.map(() => "?").join(",");
    const { results } = await this.#db
      .prepare(`SELECT key_hash, session_id FROM session_keys WHERE key_hash IN (${placeholders})`)
      .bind(...keyHashes)
      .all<{ key_hash: string; session_id: string }>();
    return new Map(results.map((row) => [row.key_hash, row.session_id]));
  }

  blobRow(digest: string): Promise<BlobRow | null> {
    return this.#db.prepare("SELECT * FROM blobs WHERE digest = ?").bind(digest).first<BlobRow>();
  }

  /** The newest stored body of `url` with this validator: what a 304 for it revalidated. */
  async bodyForValidator(url: string, validator: string): Promise<string | null> {
    const row = await this.#db
      .prepare(
        `SELECT response_body_digest AS digest FROM exchanges
         WHERE url = ? AND validator = ? AND response_body_digest IS NOT NULL
         ORDER BY started_at DESC LIMIT 1`,
      )
      .bind(url, validator)
      .first<{ digest: string }>();
    return row?.digest ?? null;
  }

  /**
   * Writes a batch of records in one `batch()`: a single transaction, so a reader never sees an exchange
   * whose session or blobs are missing, nor half a batch. Idempotent: a record written before (a redelivered
   * queue message) writes no row again.
   */
  async writeRecords(records: readonly RecordWrite[]): Promise<{ rowsWritten: number }> {
    const statements: D1PreparedStatement[] = [];
    const seen = new Set<string>();
    const once = (key: string) => !seen.has(key) && (seen.add(key), true);
    const partsWritten: string[] = [];
    for (const write of records) {
      for (const blob of write.blobs) {
        if (!once(`b:${blob.digest}`)) continue;
        statements.push(
          this.#db
            .prepare(
              "INSERT OR IGNORE INTO blobs (digest, size, stored_size, encoding, first_seen) VALUES (?, ?, ?, ?, ?)",
            )
            .bind(blob.digest, blob.size, blob.stored_size, blob.encoding, blob.first_seen),
        );
      }
      const s = write.session;
      if (s) {
        statements.push(
          this.#db
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
      for (const key of write.keys) {
        if (!once(`k:${key.key_hash}`)) continue;
        statements.push(
          this.#db
            .prepare(
              "INSERT OR IGNORE INTO session_keys (key_hash, session_id, cookie_name, first_seen) VALUES (?, ?, ?, ?)",
            )
            .bind(key.key_hash, key.session_id, key.cookie_name, key.first_seen),
        );
      }
      for (const customer of write.customers) {
        if (!once(`c:${customer.customer_token}:${customer.session_id}`)) continue;
        statements.push(
          this.#db
            .prepare(
              "INSERT OR IGNORE INTO session_customers (customer_token, session_id, first_seen) VALUES (?, ?, ?)",
            )
            .bind(customer.customer_token, customer.session_id, customer.first_seen),
        );
      }
      const { log, parts } = layOut(write.exchange);
      for (const part of parts) {
        if (knownParts.get(part.digest) || !once(`p:${part.digest}`)) continue;
        partsWritten.push(part.digest);
        statements.push(
          this.#db
            .prepare("INSERT OR IGNORE INTO record_parts (digest, body) VALUES (?, ?)")
            .bind(part.digest, part.body),
        );
      }
      const columns = Object.keys(log) as Array<keyof ExchangeLogRow>;
      statements.push(
        this.#db
          .prepare(
            `INSERT OR IGNORE INTO exchange_log (${columns.join(", ")}) VALUES (${columns.map(() => "?").join(", ")})`,
          )
          .bind(...columns.map((column) => log[column])),
      );
    }
    if (statements.length === 0) return { rowsWritten: 0 };
    const results = await this.#db.batch(statements);
    for (const digest of partsWritten) knownParts.set(digest, true);
    return { rowsWritten: results.reduce((sum, r) => sum + (r.meta.rows_written ?? 0), 0) };
  }

  async recordFailure(at: number, stage: string, kind: string, exchangeId: string | null): Promise<void> {
    await this.#db
      .prepare("INSERT INTO recorder_failures (at, stage, kind, exchange_id) VALUES (?, ?, ?, ?)")
      .bind(at, stage, kind, exchangeId)
      .run();
  }
}
