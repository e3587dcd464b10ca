import type { Env } from "../env.ts";
import { counters, noteFailure } from "../log/health-counters.ts";
import { ArchiveIndex } from "../store/archive-index.ts";
import { isOverflow, parseRecordMessage, type RecordMessage } from "./record-message.ts";

/** Redelivery delays by attempt (seconds): D1 overloaded or briefly down recovers within these. */
const RETRY_DELAYS_S = [1, 5, 30, 120];

/**
 * The records queue's consumer: a batch (up to 100 records) is written to D1 in one transaction, so the
 * index never holds half a batch. Writing is idempotent (exchanges are keyed by id, every other row is
 * INSERT OR IGNORE or a min/max upsert), so a redelivered message never duplicates an exchange.
 *
 * If the batch's transaction fails, each record is tried in a transaction of its own: one poison record
 * then fails alone, is retried, and after the queue's max_retries lands in the dead-letter queue
 * (persist/dead-letters.ts), while the rest of the batch is indexed.
 */
export async function consumeRecords(batch: MessageBatch<unknown>, env: Env): Promise<{ acked: number }> {
  const index = new ArchiveIndex(env.DB);
  const readable: { message: Message<unknown>; record: RecordMessage }[] = [];
  for (const message of batch.messages) {
    const record = await readMessage(message.body, env.BLOBS).catch(() => null);
    if (record) readable.push({ message, record });
    else {
      counters.messagesMalformed++;
      retry(message);
    }
  }
  if (readable.length === 0) return { acked: 0 };
  try {
    const { rowsWritten } = await index.writeRecords(readable.map((r) => r.record));
    counters.batchesWritten++;
    counters.d1RowsWritten += rowsWritten;
    for (const { message } of readable) message.ack();
    counters.recordsIndexed += readable.length;
    return { acked: readable.length };
  } catch (error) {
    await noteFailure("d1", error, null, null);
  }
  let acked = 0;
  for (const { message, record } of readable) {
    try {
      const { rowsWritten } = await index.writeRecords([record]);
      counters.d1RowsWritten += rowsWritten;
      message.ack();
      counters.recordsIndexed++;
      acked++;
    } catch {
      retry(message);
    }
  }
  return { acked };
}

function retry(message: Message<unknown>): void {
  counters.messagesRetried++;
  const delay = RETRY_DELAYS_S[Math.min(message.attempts - 1, RETRY_DELAYS_S.length - 1)] ?? 120;
  message.retry({ delaySeconds: delay });
}

async function readMessage(body: unknown, bucket: R2Bucket): Promise<RecordMessage | null> {
  if (!isOverflow(body)) return parseRecordMessage(body);
  const object = await bucket.get(body.overflow);
  return object ? parseRecordMessage(await object.json()) : null;
}
