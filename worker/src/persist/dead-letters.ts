import type { Env } from "../env.ts";
import { counters, noteFailure } from "../log/health-counters.ts";
import { ArchiveIndex } from "../store/archive-index.ts";
import { indexPartitions } from "../store/partitions.ts";

export const DEAD_LETTER_PREFIX = "dead-letters/";

/**
 * The dead-letter queue's consumer: a record the index could not take after every retry is kept in R2
 * (records are masked, so keeping them is allowed) for ops to inspect and re-drive, and counted in
 * recorder_failures, which puts health in "degraded" and names the stage "dead_letter".
 */
export async function consumeDeadLetters(batch: MessageBatch<unknown>, env: Env): Promise<{ acked: number }> {
  const index = new ArchiveIndex(indexPartitions(env));
  let acked = 0;
  for (const message of batch.messages) {
    const id = exchangeIdOf(message.body);
    try {
      await env.BLOBS.put(`${DEAD_LETTER_PREFIX}${message.id}.json`, JSON.stringify(message.body));
      counters.failures.dead_letter++;
      await index.recordFailure(Date.now(), "dead_letter", "record_not_indexed", id);
      message.ack();
      acked += recordsIn(message.body);
    } catch (error) {
      await noteFailure("dead_letter", error, id, null);
      message.retry({ delaySeconds: 30 });
    }
  }
  return { acked };
}

function exchangeIdOf(body: unknown): string | null {
  const id = (body as { records?: Array<{ exchange?: { id?: unknown } }> } | null)?.records?.[0]?.exchange
    ?.id;
  return typeof id === "string" ? id : null;
}

/** How many records a dead chunk held (what was acknowledged; a malformed body counts as one). */
function recordsIn(body: unknown): number {
  const records = (body as { records?: unknown } | null)?.records;
  return Array.isArray(records) ? records.length : 1;
}
