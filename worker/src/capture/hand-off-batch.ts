import type { CapturedBody } from "../snapshot/body-capture.ts";
import type { Envelope } from "./envelope.ts";

/** One exchange whose bodies were read already on the visitor's side: what a batch carries, plain data. */
export type HandedExchange = {
  /** The recording shard of the exchange's session (capture/shard-key.ts). */
  shard: number;
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
 * Gathers the exchanges this isolate hands off for a few milliseconds and sends each gathering as one call,
 * to the shard of the exchange that opened it, which passes the others on to their own shards (shard to
 * shard, off the visitor's isolate). One call per window whatever the number of shards: an isolate at
 * 100 requests/s with a 50 ms window and 8 shards would otherwise still make ~4 calls per window.
 *
 * Measured on the benchmark's visitor process, it is not only the call that costs but the request that waits
 * for it: every request whose waitUntil awaited a call made from another request's context paid about 0.2 ms
 * of CPU. So only the request that opened a batch (or filled it) waits for it: its waitUntil keeps the
 * isolate alive until the batch is gone, and the call is made in its context. The ones that join add their
 * exchange, which is plain data bound to no request, and are done at once. A batch that fails is lost to the
 * archive as a whole, and each of its exchanges is counted.
 */
export class HandOffBatcher {
  #open: Batch | null = null;
  /** Exchanges added whose call has not yet returned (tests wait for 0 before they look at the archive). */
  #waiting = 0;
  readonly #onWaiting: (waiting: number) => void;

  /** `onWaiting` hears every change of the number of exchanges waiting (health shows it). */
  constructor(onWaiting: (waiting: number) => void = () => undefined) {
    this.#onWaiting = onWaiting;
  }

  get waiting(): number {
    return this.#waiting;
  }

  /**
   * Adds one exchange to the open batch, opening one if there is none. The promise settles when the batch
   * has been sent for the request that opened it or filled it, and at once for the others.
   */
  add(item: HandedExchange, send: SendBatch, limits: BatchLimits): Promise<void> {
    this.#onWaiting(++this.#waiting);
    const open = this.#open;
    const batch = open ?? { items: [], bytes: 0, sent: false };
    batch.items.push(item);
    batch.bytes += (item.request?.bytes.byteLength ?? 0) + (item.response?.bytes.byteLength ?? 0);
    if (batch.items.length >= limits.maxItems || batch.bytes >= limits.maxBytes)
      return this.#send(batch, send);
    if (open) return Promise.resolve();
    this.#open = batch;
    return new Promise<void>((resolve) => setTimeout(resolve, limits.windowMs)).then(() =>
      this.#send(batch, send),
    );
  }

  async #send(batch: Batch, send: SendBatch): Promise<void> {
    if (batch.sent) return;
    batch.sent = true;
    if (this.#open === batch) this.#open = null;
    try {
      await send(batch.items);
    } finally {
      this.#waiting -= batch.items.length;
      this.#onWaiting(this.#waiting);
    }
  }
}
