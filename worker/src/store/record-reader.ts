import type { Env } from "../env.ts";
import type { ChunkRow } from "../record/chunk-summary.ts";
import type { RecordMessage } from "../record/record-message.ts";
import { readChunk } from "../record/segment.ts";
import { sessionPrefixOf } from "../snapshot/ids.ts";
import { Lru } from "../util/lru.ts";
import { indexPartitions, type Partitions } from "./partitions.ts";
import type { ExchangeRow } from "../record/rows.ts";

/** What every reader reads through: the index partitions (D1) and the bucket holding segments and bodies. */
export type ReadStores = { partitions: Partitions; bucket: R2Bucket };

export function readStores(env: Env): ReadStores {
  return { partitions: indexPartitions(env), bucket: env.BLOBS };
}

/** Chunks are immutable once written: decoded ones are kept per isolate (a replay reads one many times). */
const chunkCache = new Lru<string, readonly RecordMessage[]>(2_000);

/**
 * The shared read layer under the API, the console and replay: a session's exchange records and any one
 * exchange by id, from chunk rows (D1, every partition) and their segments (R2), plus rows recorded before
 * the compact index (the `exchanges` view of migrations/0004). Callers see ExchangeRow, whatever the layout.
 */
export class RecordReader {
  readonly #stores: ReadStores;

  constructor(stores: ReadStores) {
    this.#stores = stores;
  }

  /** The session's chunk rows, oldest first, from every partition. */
  async chunksOf(sessionId: string): Promise<ChunkRow[]> {
    const answers = await Promise.all(
      this.#stores.partitions.all.map((p) =>
        p.db
          .prepare("SELECT * FROM record_chunks WHERE session_id = ? ORDER BY first_id")
          .bind(sessionId)
          .all<ChunkRow>(),
      ),
    );
    return answers.flatMap((a) => a.results).sort((a, b) => (a.first_id < b.first_id ? -1 : 1));
  }

  /** Every exchange of a session, in (started_at, id) order. */
  async sessionRecords(sessionId: string): Promise<ExchangeRow[]> {
    const [chunks, legacy] = await Promise.all([
      this.chunksOf(sessionId),
      this.#stores.partitions.control
        .prepare("SELECT * FROM exchanges WHERE session_id = ? ORDER BY started_at, id")
        .bind(sessionId)
        .all<ExchangeRow>(),
    ]);
    const records = await Promise.all(chunks.map((c) => this.recordsOf(c)));
    return inOrder([...legacy.results, ...records.flat().map((r) => r.exchange)]);
  }

  /** One exchange by id: its tag names the session (snapshot/ids.ts), the id range names the chunk. */
  async exchange(id: string): Promise<ExchangeRow | null> {
    const prefix = sessionPrefixOf(id);
    if (prefix) {
      const answers = await Promise.all(
        this.#stores.partitions.all.map((p) =>
          p.db
            .prepare(
              `SELECT * FROM record_chunks WHERE session_id >= ? AND session_id < ?
               AND first_id <= ? AND last_id >= ?`,
            )
            .bind(prefix, `${prefix}g`, id, id)
            .all<ChunkRow>(),
        ),
      );
      for (const chunk of answers.flatMap((a) => a.results)) {
        const found = (await this.recordsOf(chunk)).find((r) => r.exchange.id === id);
        if (found) return found.exchange;
      }
    }
    return this.#stores.partitions.control
      .prepare("SELECT * FROM exchanges WHERE id = ?")
      .bind(id)
      .first<ExchangeRow>();
  }

  /**
   * The records of one chunk, from its segment in R2 (a ranged read of one gzip member). `cache: false` for
   * readers that pass over many chunks once (exports): they would only fill the isolate's cache.
   */
  async recordsOf(
    chunk: Pick<ChunkRow, "segment" | "segment_offset" | "segment_length">,
    options: { cache: boolean } = { cache: true },
  ): Promise<readonly RecordMessage[]> {
    const key = `${chunk.segment}@${chunk.segment_offset}`;
    const cached = chunkCache.get(key);
    if (cached) return cached;
    const object = await this.#stores.bucket.get(chunk.segment, {
      range: { offset: chunk.segment_offset, length: chunk.segment_length },
    });
    if (!object) throw new Error(`segment missing: ${chunk.segment}`);
    const decoded = readChunk(chunk.segment, new Uint8Array(await object.arrayBuffer()));
    if (!decoded) throw new Error(`segment unreadable: ${chunk.segment}@${chunk.segment_offset}`);
    if (options.cache) chunkCache.set(key, decoded.records);
    return decoded.records;
  }
}

/** (started_at, id) order, each id once (a chunk delivered twice is indexed once, but be safe). */
export function inOrder(rows: readonly ExchangeRow[]): ExchangeRow[] {
  const byId = new Map<string, ExchangeRow>();
  for (const row of rows) if (!byId.has(row.id)) byId.set(row.id, row);
  return [...byId.values()].sort((a, b) =>
    a.started_at !== b.started_at ? a.started_at - b.started_at : a.id < b.id ? -1 : a.id > b.id ? 1 : 0,
  );
}
