import type { Env } from "../env.ts";
import { evidenceLog } from "../evidence/evidence-log.ts";
import { counters, noteFailure } from "../log/health-counters.ts";
import { captureRows, chunkRow } from "../record/chunk-summary.ts";
import { isOverflow, parseChunkMessage, type ChunkMessage } from "../record/record-message.ts";
import { batchId, buildSegment, segmentKey } from "../record/segment.ts";
import { ArchiveIndex, type ChunkWrite } from "../store/archive-index.ts";
import { indexPartitions } from "../store/partitions.ts";

/** Redelivery delays by attempt (seconds): D1 overloaded or briefly down recovers within these. */
const RETRY_DELAYS_S = [1, 5, 30, 120];

type Readable = { message: Message<unknown>; chunk: ChunkMessage };

/**
 * The records queue's consumer. A batch (up to 100 chunks) becomes one R2 segment (record/segment.ts) and
 * its index rows are written in one D1 transaction per partition, so the index never holds half a batch.
 * Once indexed, the batch's record hashes are appended to the evidence log (evidence/evidence-log.ts).
 * Writing is idempotent (a chunk is keyed by session and first exchange id; every other row is INSERT OR
 * IGNORE or a widening upsert), so a redelivered message never duplicates an exchange; a redelivered chunk
 * only leaves an unreferenced copy in a new segment.
 *
 * If the batch fails, each chunk is tried alone: one poison chunk then fails by itself, is retried, and after
 * the queue's max_retries lands in the dead-letter queue (persist/dead-letters.ts); the rest are indexed.
 * Returns the number of records (exchanges) acknowledged.
 */
export async function consumeRecords(batch: MessageBatch<unknown>, env: Env): Promise<{ acked: number }> {
  const readable: Readable[] = [];
  for (const message of batch.messages) {
    const chunk = await readMessage(message.body, env.BLOBS).catch(() => null);
    if (chunk) readable.push({ message, chunk });
    else {
      counters.messagesMalformed++;
      retry(message);
    }
  }
  if (readable.length === 0) return { acked: 0 };
  const index = new ArchiveIndex(indexPartitions(env));
  try {
    return { acked: await write(readable, index, env) };
  } catch (error) {
    await noteFailure("d1", error, null, null);
  }
  let acked = 0;
  for (const one of readable) {
    try {
      acked += await write([one], index, env);
    } catch {
      retry(one.message);
    }
  }
  return { acked };
}

async function write(items: readonly Readable[], index: ArchiveIndex, env: Env): Promise<number> {
  const chunks = items.map((i) => i.chunk);
  const { bytes, positions } = buildSegment(chunks);
  const key = segmentKey(Date.now(), batchId());
  await env.BLOBS.put(key, bytes);
  const writes: ChunkWrite[] = chunks.map((chunk, i) => ({
    chunk,
    row: chunkRow(chunk, key, positions[i] ?? { offset: 0, length: 0 }),
    captures: captureRows(chunk),
  }));
  const { rowsWritten } = await index.writeChunks(writes);
  // Sealed into the evidence log once indexed, before the messages are acknowledged: if the log cannot take
  // them, the batch is redelivered, the index writes nothing twice and the log skips leaves it already has.
  await evidenceLog(env).append(
    chunks.flatMap((chunk) =>
      chunk.records.map((r) => ({ id: r.exchange.id, recordHash: r.exchange.record_hash })),
    ),
  );
  const records = chunks.reduce((sum, chunk) => sum + chunk.records.length, 0);
  for (const { message } of items) message.ack();
  counters.batchesWritten++;
  counters.d1RowsWritten += rowsWritten;
  counters.recordsIndexed += records;
  return records;
}

function retry(message: Message<unknown>): void {
  counters.messagesRetried++;
  const delay = RETRY_DELAYS_S[Math.min(message.attempts - 1, RETRY_DELAYS_S.length - 1)] ?? 120;
  message.retry({ delaySeconds: delay });
}

async function readMessage(body: unknown, bucket: R2Bucket): Promise<ChunkMessage | null> {
  if (!isOverflow(body)) return parseChunkMessage(body);
  const object = await bucket.get(body.overflow);
  return object ? parseChunkMessage(await object.json()) : null;
}
