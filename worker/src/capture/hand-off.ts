import { counters, noteFailure } from "../log/health-counters.ts";
import type { Envelope } from "./envelope.ts";

/**
 * A recording shard as the visitor's isolate sees it: one RPC that takes the exchange's bytes in memory.
 * The shard runs in its own isolate, usually on another machine: masking, hashing, compression and every
 * storage call happen there, not on the visitor's thread.
 */
/** The RECORDER binding's object type (Env): the port, as a Durable Object class. */
export type RecordingShardObject = Rpc.DurableObjectBranded & RecorderPort;

export type RecorderPort = {
  record(
    envelope: Envelope,
    requestBody: ReadableStream<Uint8Array> | null,
    responseBody: ReadableStream<Uint8Array> | Uint8Array | null,
  ): Promise<void>;
  /** Chunks parked in the shard's storage while the records queue was unavailable (health). */
  parkedChunks(): Promise<number>;
};

/**
 * Hands one exchange to its shard. Never throws: the visitor's response has gone already. If the shard
 * cannot be reached the exchange is lost to the archive (fail open), counted and logged, and the body
 * branches are cancelled so the tee does not keep buffering them.
 */
export async function handOff(
  port: RecorderPort,
  envelope: Envelope,
  requestBody: ReadableStream<Uint8Array> | null,
  responseBody: ReadableStream<Uint8Array> | Uint8Array | null,
): Promise<void> {
  try {
    await port.record(envelope, requestBody, responseBody);
    counters.handedOff++;
  } catch (error) {
    counters.exchangesNotRecorded++;
    await Promise.all([cancel(requestBody), cancel(responseBody)]);
    // No sink: writing the failure down would be a storage call on the visitor's isolate.
    await noteFailure("handoff", error, envelope.id, null);
  }
}

async function cancel(body: ReadableStream<Uint8Array> | Uint8Array | null): Promise<void> {
  if (body instanceof ReadableStream) await body.cancel().catch(() => undefined);
}
