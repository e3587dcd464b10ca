import { counters, noteFailure } from "../log/health-counters.ts";
import { MAX_MESSAGE_BYTES, overflowKey, type RecordMessage } from "./record-message.ts";

/**
 * The hand-off from a recording shard to the index: one queue message per masked record. If the queue
 * does not take it, the record is parked in the shard's own storage (it is masked, so storing it is
 * allowed) and an alarm sends it later: while the queue is down, work waits and nothing is lost.
 */
export interface RecordSink {
  send(message: RecordMessage): Promise<void>;
}

const PARKED = "outbox/";
const RETRY_MS = [5_000, 15_000, 60_000, 300_000];

export class RecordOutbox implements RecordSink {
  readonly #queue: Queue<unknown>;
  readonly #bucket: R2Bucket;
  readonly #storage: DurableObjectStorage;
  #attempt = 0;

  constructor(queue: Queue<unknown>, bucket: R2Bucket, storage: DurableObjectStorage) {
    this.#queue = queue;
    this.#bucket = bucket;
    this.#storage = storage;
  }

  async send(message: RecordMessage): Promise<void> {
    const id = message.exchange.id;
    try {
      await this.#queue.send(await this.#wire(message), { contentType: "json" });
      counters.recordsQueued++;
      counters.exchangesRecorded++;
    } catch (error) {
      await noteFailure("queue", error, id, null);
      await this.#park(message);
    }
  }

  /** Sends parked records, oldest first; run by the shard's alarm. Reschedules itself while any remain. */
  async flush(): Promise<void> {
    const parked = await this.#storage.list<RecordMessage>({ prefix: PARKED, limit: 100 });
    if (parked.size === 0) return;
    try {
      const bodies = await Promise.all([...parked.values()].map((m) => this.#wire(m)));
      await this.#queue.sendBatch(bodies.map((body) => ({ body, contentType: "json" as const })));
      await this.#storage.delete([...parked.keys()]);
      counters.recordsQueued += parked.size;
      counters.exchangesRecorded += parked.size;
      counters.recordsParked -= parked.size;
      this.#attempt = 0;
      if (parked.size === 100) await this.#storage.setAlarm(Date.now());
    } catch (error) {
      await noteFailure("queue", error, null, null);
      await this.#schedule();
    }
  }

  async #park(message: RecordMessage): Promise<void> {
    try {
      await this.#storage.put(PARKED + message.exchange.id, message);
      counters.recordsParked++;
      await this.#schedule();
    } catch (error) {
      // Neither the queue nor the shard's storage took it: the one case an exchange is lost here.
      counters.exchangesNotRecorded++;
      await noteFailure("queue", error, message.exchange.id, null);
    }
  }

  async #schedule(): Promise<void> {
    const delay = RETRY_MS[Math.min(this.#attempt++, RETRY_MS.length - 1)] ?? 60_000;
    if ((await this.#storage.getAlarm()) === null) await this.#storage.setAlarm(Date.now() + delay);
  }

  /** The message itself, or a pointer to it in R2 when it is over the queue's size limit. */
  async #wire(message: RecordMessage): Promise<unknown> {
    const json = JSON.stringify(message);
    if (
      json.length <= MAX_MESSAGE_BYTES / 4 ||
      new TextEncoder().encode(json).byteLength <= MAX_MESSAGE_BYTES
    )
      return message;
    const key = overflowKey(message.exchange.id);
    await this.#bucket.put(key, json);
    return { v: 1, overflow: key };
  }
}
