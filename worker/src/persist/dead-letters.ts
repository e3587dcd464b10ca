import type { Env } from "../env.ts";
import { counters, noteFailure } from "../log/health-counters.ts";
import { ArchiveIndex } from "../store/archive-index.ts";

export const DEAD_LETTER_PREFIX = "dead-letters/";

/**
 * The dead-letter queue's consumer: a record the index could not take after every retry is kept in R2
 * (records are masked, so keeping them is allowed) for ops to inspect and re-drive, and counted in
 * recorder_failures, which puts health in "degraded" and names the stage "dead_letter".
 */
export async function consumeDeadLetters(batch: MessageBatch<unknown>, env: Env): Promise<{ acked: number }> {
  const index = new ArchiveIndex(env.DB);
  let acked = 0;
  for (const message of batch.messages) {
    const id = exchangeIdOf(message.body);
    try {
      await env.BLOBS.put(`${DEAD_LETTER_PREFIX}${message.id}.json`, JSON.stringify(message.body));
      counters.failures.dead_letter++;
      await index.recordFailure(Date.now(), "dead_letter", "record_not_indexed", id);
      message.ack();
      acked++;
    } catch (error) {
      await noteFailure("dead_letter", error, id, null);
      message.retry({ delaySeconds: 30 });
    }
  }
  return { acked };
}

function exchangeIdOf(body: unknown): string | null {
  const id = (body as { exchange?: { id?: unknown } } | null)?.exchange?.id;
  return typeof id === "string" ? id : null;
}
