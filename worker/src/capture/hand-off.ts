import { counters, noteFailure } from "../log/health-counters.ts";
import { captureBody, readWithin } from "../snapshot/body-capture.ts";
import type { Envelope } from "./envelope.ts";
import { BATCH_LIMITS, HandOffBatcher, type HandedExchange } from "./hand-off-batch.ts";
import type { BodySource } from "./pending-exchange.ts";

/** The RECORDER binding's object type (Env): the port, as a Durable Object class. */
export type RecordingShardObject = Rpc.DurableObjectBranded & RecorderPort;

/**
 * A recording shard as the visitor's isolate sees it: calls that take exchanges' bytes in memory. The shard
 * runs in its own isolate, usually on another machine: masking, hashing, compression and every storage call
 * happen there, not on the visitor's thread.
 */
export type RecorderPort = {
  /** One exchange whose bodies (or one of them) still stream: too large to read on the visitor's side. */
  record(envelope: Envelope, requestBody: BodySource, responseBody: BodySource): Promise<void>;
  /**
   * Exchanges read to the end already, gathered by capture/hand-off-batch.ts: one call for many. `shard` is
   * the number of the shard called; it records its own exchanges and passes the others on to theirs.
   */
  recordBatch(shard: number, items: HandedExchange[]): Promise<void>;
  /** Chunks parked while the records queue was unavailable, and exchanges the limits left out (health). */
  shardHealth(): Promise<ShardHealth>;
};

export type ShardHealth = { parkedChunks: number; notRecorded: { rateLimited: number; overQuota: number } };

/** Where an exchange goes: its shard's number and port, and how long to gather before handing over. */
export type HandOffTarget = {
  shard: number;
  /** Called inside the try: a binding that throws while giving its shard must not reach the visitor. */
  port: () => RecorderPort;
  windowMs: number;
};

/** This isolate's batches: module scope, so they outlive the request that opened them (see the batcher). */
const batcher = new HandOffBatcher((waiting) => {
  counters.handOffsWaiting = waiting;
});

/**
 * Hands one exchange to its shard. Never throws: the visitor's response has gone already. If the shard
 * cannot be reached the exchange is lost to the archive (fail open), counted and logged, and the body
 * branches are cancelled so the tee does not keep buffering them.
 */
export async function handOff(
  target: HandOffTarget,
  envelope: Envelope,
  requestBody: BodySource,
  responseBody: BodySource,
): Promise<void> {
  try {
    const [request, response] = await Promise.all([
      readSmall(requestBody, envelope.request.headers, envelope.settings.bodyCapBytes),
      readSmall(responseBody, envelope.response.headers, envelope.settings.bodyCapBytes),
    ]);
    if (request instanceof ReadableStream || response instanceof ReadableStream) {
      counters.handOffCalls++;
      await target.port().record(envelope, request, response);
      counters.handedOff++;
      return;
    }
    await batcher.add(
      { shard: target.shard, envelope, request, response },
      (items) => sendBatch(target, items),
      { ...BATCH_LIMITS, windowMs: target.windowMs },
    );
  } catch (error) {
    counters.exchangesNotRecorded++;
    await Promise.all([cancel(requestBody), cancel(responseBody)]);
    // No sink: writing the failure down would be a storage call on the visitor's isolate.
    await noteFailure("handoff", error, envelope.id, null);
  }
}

/** One call for a gathered batch; a failure loses the batch's exchanges to the archive, each one counted. */
async function sendBatch(entry: HandOffTarget, items: HandedExchange[]): Promise<void> {
  try {
    counters.handOffCalls++;
    await entry.port().recordBatch(entry.shard, items);
    counters.handedOff += items.length;
  } catch (error) {
    counters.exchangesNotRecorded += items.length;
    for (const item of items) await noteFailure("handoff", error, item.envelope.id, null);
  }
}

/** Bodies up to this length are read here and handed over as bytes. */
export const INLINE_BODY_MAX = 1024 * 1024;

/**
 * A small body is read to the end at once and handed over as bytes: the tee branch is drained as fast as the
 * visitor's branch, so a busy shard cannot hold the visitor back through the tee's backpressure, and one RPC
 * message costs this isolate far less than a stream pumped across chunk by chunk (most pages are compressed
 * on the fly and so have no declared length). A declared length within the limit is read natively in one go;
 * an undeclared one is read up to the limit, and past it the bytes read so far and the rest stream to the
 * shard (the visitor's memory stays bounded).
 */
async function readSmall(
  body: BodySource,
  headers: readonly [string, string][],
  cap: number,
): Promise<BodySource> {
  if (!(body instanceof ReadableStream)) return body;
  const declared = headers.find(([name]) => name === "content-length")?.[1];
  const length = declared !== undefined && /^\d{1,10}$/.test(declared) ? Number(declared) : null;
  const limit = Math.min(INLINE_BODY_MAX, cap);
  if (length === null) return readWithin(body, limit);
  if (length > limit) return body;
  return captureBody(body, cap, length);
}

async function cancel(body: BodySource): Promise<void> {
  if (body instanceof ReadableStream) await body.cancel().catch(() => undefined);
}
