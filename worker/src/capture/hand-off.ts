import { counters, noteFailure } from "../log/health-counters.ts";
import { captureBody } from "../snapshot/body-capture.ts";
import type { Envelope } from "./envelope.ts";
import type { BodySource } from "./pending-exchange.ts";

/**
 * A recording shard as the visitor's isolate sees it: one RPC that takes the exchange's bytes in memory.
 * The shard runs in its own isolate, usually on another machine: masking, hashing, compression and every
 * storage call happen there, not on the visitor's thread.
 */
/** The RECORDER binding's object type (Env): the port, as a Durable Object class. */
export type RecordingShardObject = Rpc.DurableObjectBranded & RecorderPort;

export type RecorderPort = {
  record(envelope: Envelope, requestBody: BodySource, responseBody: BodySource): Promise<void>;
  /** Chunks parked in the shard's storage while the records queue was unavailable (health). */
  parkedChunks(): Promise<number>;
};

/**
 * Hands one exchange to its shard. Never throws: the visitor's response has gone already. If the shard
 * cannot be reached the exchange is lost to the archive (fail open), counted and logged, and the body
 * branches are cancelled so the tee does not keep buffering them.
 */
export async function handOff(
  /** Called inside the try: a binding that throws while giving its shard must not reach the visitor. */
  port: () => RecorderPort,
  envelope: Envelope,
  requestBody: BodySource,
  responseBody: BodySource,
): Promise<void> {
  try {
    const [request, response] = await Promise.all([
      readSmall(requestBody, envelope.request.headers, envelope.settings.bodyCapBytes),
      readSmall(responseBody, envelope.response.headers, envelope.settings.bodyCapBytes),
    ]);
    await port().record(envelope, request, response);
    counters.handedOff++;
  } catch (error) {
    counters.exchangesNotRecorded++;
    await Promise.all([cancel(requestBody), cancel(responseBody)]);
    // No sink: writing the failure down would be a storage call on the visitor's isolate.
    await noteFailure("handoff", error, envelope.id, null);
  }
}

/** Bodies up to this declared length are read here and handed over as bytes. */
export const INLINE_BODY_MAX = 1024 * 1024;

/**
 * A small body of declared length is read to the end at once (natively, one copy) and handed over as bytes:
 * the tee branch is drained as fast as the visitor's branch, so a busy shard cannot hold the visitor back
 * through the tee's backpressure, and one RPC message is cheaper here than a stream pumped chunk by chunk.
 * Larger bodies, and bodies of unknown length, stream to the shard (the visitor's memory stays bounded).
 */
async function readSmall(
  body: BodySource,
  headers: readonly [string, string][],
  cap: number,
): Promise<BodySource> {
  if (!(body instanceof ReadableStream)) return body;
  const declared = headers.find(([name]) => name === "content-length")?.[1];
  const length = declared !== undefined && /^\d{1,10}$/.test(declared) ? Number(declared) : null;
  if (length === null || length > INLINE_BODY_MAX || length > cap) return body;
  return captureBody(body, cap, length);
}

async function cancel(body: BodySource): Promise<void> {
  if (body instanceof ReadableStream) await body.cancel().catch(() => undefined);
}
