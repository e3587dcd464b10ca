import { counters, noteFailure, type FailureSink } from "../log/health-counters.ts";
import type { ChunkSink } from "./record-chunker.ts";
import { MAX_MESSAGE_BYTES, overflowKey, type ChunkMessage } from "../record/record-message.ts";

/**
 * The hand-off from a recording shard to the index: one queue message per chunk of masked records. If the
 * queue does not take it, the chunk is parked in the shard's own storage (it is masked, so storing it is
 * allowed) and an alarm sends it later: while the queue is down, work waits and nothing is lost.
 */

const PARKED = "outbox/";
const RETRY_MS = [5_000, 15_000, 60_000, 300_000];

export class RecordOutbox implements ChunkSink {
  readonly #queue: Queue<unknown>;
  readonly #bucket: R2Bucket;
  readonly #storage: DurableObjectStorage;
  /** Where failures are written down (recorder_failures), so health in any isolate shows them. */
  readonly #sink: FailureSink | null;
  #attempt = 0;

  constructor(
    queue: Queue<unknown>,
    bucket: R2Bucket,
    storage: DurableObjectStorage,
    sink: FailureSink | null = null,
  ) {
    this.#queue = queue;
    this.#bucket = bucket;
    this.#storage = storage;
    this.#sink = sink;
  }

  async send(chunk: ChunkMessage): Promise<void> {
    try {
      await this.#queue.send(await this.#wire(chunk), { contentType: "json" });
      counters.recordsQueued += chunk.records.length;
      counters.exchangesRecorded += chunk.records.length;
    } catch (error) {
      await noteFailure("queue", error, firstId(chunk), this.#sink);
      await this.#park(chunk);
    }
  }

  async parkedCount(): Promise<number> {
    return (await this.#storage.list({ prefix: PARKED })).size;
  }

  /** Sends parked records, oldest first; run by the shard's alarm. Reschedules itself while any remain. */
  async flush(): Promise<void> {
    const parked = await this.#storage.list<ChunkMessage>({ prefix: PARKED, limit: 100 });
    if (parked.size === 0) return;
    try {
      const chunks = [...parked.values()];
      const bodies = await Promise.all(chunks.map((chunk) => this.#wire(chunk)));
      // sendBatch takes at most 256 KB: send them one by one, each is at most one message's size.
      for (const body of bodies) await this.#queue.send(body, { contentType: "json" });
      await this.#storage.delete([...parked.keys()]);
      const records = chunks.reduce((sum, chunk) => sum + chunk.records.length, 0);
      counters.recordsQueued += records;
      counters.exchangesRecorded += records;
      counters.recordsParked -= records;
      this.#attempt = 0;
      if (parked.size === 100) await this.#storage.setAlarm(Date.now());
    } catch (error) {
      await noteFailure("queue", error, null, this.#sink);
      await this.#schedule(true);
    }
  }

  async #park(chunk: ChunkMessage): Promise<void> {
    try {
      await this.#storage.put(PARKED + firstId(chunk), chunk);
      counters.recordsParked += chunk.records.length;
      await this.#schedule(false);
    } catch (error) {
      // Neither the queue nor the shard's storage took it: the one case exchanges are lost here.
      counters.exchangesNotRecorded += chunk.records.length;
      await noteFailure("queue", error, firstId(chunk), this.#sink);
    }
  }

  /**
   * Sets the alarm unless one is set. The delay grows with each failed re-send (`backoff`), not with each
   * chunk parked: an outage that parks a thousand chunks still retries after the first delay.
   */
  async #schedule(backoff: boolean): Promise<void> {
    if (backoff) this.#attempt++;
    const delay = RETRY_MS[Math.min(this.#attempt, RETRY_MS.length - 1)] ?? 60_000;
    if ((await this.#storage.getAlarm()) === null) await this.#storage.setAlarm(Date.now() + delay);
  }

  /** The chunk itself, or a pointer to it in R2 when it is over the queue's size limit (one huge record). */
  async #wire(chunk: ChunkMessage): Promise<unknown> {
    const json = JSON.stringify(chunk);
    if (
      json.length <= MAX_MESSAGE_BYTES / 4 ||
      new TextEncoder().encode(json).byteLength <= MAX_MESSAGE_BYTES
    )
      return chunk;
    const key = overflowKey(firstId(chunk));
    await this.#bucket.put(key, json);
    return { v: 2, overflow: key };
  }
}

function firstId(chunk: ChunkMessage): string {
  return chunk.records[0]?.exchange.id ?? "empty";
}
