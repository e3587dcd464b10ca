import type { CapturedBody } from "../snapshot/body-capture.ts";
import type { Envelope } from "./envelope.ts";

/** One exchange whose bodies were read already on the visitor's side: what a batch carries, plain data. */
export type HandedExchange = {
  envelope: Envelope;
  request: CapturedBody | null;
  response: CapturedBody | null;
};

export type BatchLimits = {
  /** How long the first exchange of a batch waits for others bound for the same shard. */
  windowMs: number;
  /** A batch goes at once when it holds this many exchanges… */
  maxItems: number;
  /** …or this many body bytes (a Workers RPC message is at most 32 MiB; this isolate's memory is 128 MB). */
  maxBytes: number;
};

export const BATCH_LIMITS = { maxItems: 64, maxBytes: 4 * 1024 * 1024 } as const;

/** Sends one batch to its shard. Never rejects: it counts and logs its own failure (fail open). */
export type SendBatch = (items: HandedExchange[]) => Promise<void>;

type Batch = { items: HandedExchange[]; bytes: number; sent: boolean };

/**
 * Gathers the exchanges this isolate hands to each recording shard for a few milliseconds and sends each
 * gathering as one call. Measured on the benchmark's visitor process, it is not the call that costs but the
 * request that waits for it: every request whose waitUntil awaits a call made from another request's context
 * paid about 0.2 ms of CPU. So only the request that opened a batch waits for it (its waitUntil keeps the
 * isolate alive until the batch is gone, and the call is made in its context); the ones that join add their
 * exchange, which is plain data bound to no request, and are done at once.
 *
 * Keyed by shard number only: one isolate serves one deployment, so shard k is the same object for every
 * request. A batch that fails is lost to the archive as a whole, and each of its exchanges is counted.
 */
export class HandOffBatcher {
  readonly #open = new Map<number, Batch>();
  /** Exchanges added whose call has not yet returned (tests wait for 0 before they look at the archive). */
  #waiting = 0;

  get waiting(): number {
    return this.#waiting;
  }

  /**
   * Adds one exchange to its shard's batch. The promise settles when the batch has been sent for the request
   * that opened it or made it full, and at once for the others.
   */
  add(shard: number, item: HandedExchange, send: SendBatch, limits: BatchLimits): Promise<void> {
    this.#waiting++;
    const open = this.#open.get(shard);
    const batch = open ?? { items: [], bytes: 0, sent: false };
    batch.items.push(item);
    batch.bytes += (item.request?.bytes.byteLength ?? 0) + (item.response?.bytes.byteLength ?? 0);
    if (batch.items.length >= limits.maxItems || batch.bytes >= limits.maxBytes) {
      return this.#send(shard, batch, send);
    }
    if (open) return Promise.resolve();
    this.#open.set(shard, batch);
    return new Promise<void>((resolve) => setTimeout(resolve, limits.windowMs)).then(() =>
      this.#send(shard, batch, send),
    );
  }

  async #send(shard: number, batch: Batch, send: SendBatch): Promise<void> {
    if (batch.sent) return;
    batch.sent = true;
    if (this.#open.get(shard) === batch) this.#open.delete(shard);
    try {
      await send(batch.items);
    } finally {
      this.#waiting -= batch.items.length;
    }
  }
}
