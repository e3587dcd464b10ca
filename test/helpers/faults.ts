import type { BodySource } from "../../worker/src/capture/pending-exchange.ts";
import { env } from "cloudflare:test";
import { pendingOf, type Envelope } from "../../worker/src/capture/envelope.ts";
import type { RecorderPort } from "../../worker/src/capture/hand-off.ts";
import { loadConfig } from "../../worker/src/config/config.ts";
import type { Env } from "../../worker/src/env.ts";
import { counters } from "../../worker/src/log/health-counters.ts";
import type { RecordSink } from "../../worker/src/persist/record-chunker.ts";
import { recordExchange } from "../../worker/src/recorder/record-exchange.ts";
import type { RecorderStores } from "../../worker/src/recorder/recorder-stores.ts";
import type { ChunkMessage, RecordMessage } from "../../worker/src/record/record-message.ts";
import { ArchiveIndex } from "../../worker/src/store/archive-index.ts";
import type { Partitions } from "../../worker/src/store/partitions.ts";
import { R2BlobStore } from "../../worker/src/store/blob-store.ts";
import { FormStore } from "../../worker/src/store/form-store.ts";

/** Wraps a real local binding so that the named methods fail, the way an outage looks from a Worker. */
export function failing<T extends object>(real: T, methods: readonly string[], message: string): T {
  return new Proxy(real, {
    get(target, prop) {
      if (typeof prop === "string" && methods.includes(prop))
        return () => {
          throw new Error(message);
        };
      const value = Reflect.get(target, prop) as unknown;
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

export const failingR2 = (): R2Bucket => failing(env.BLOBS, ["put"], "R2 unavailable");
export const failingD1 = (): D1Database => failing(env.DB, ["batch", "prepare"], "D1 unavailable");
export const failingQueue = (): Queue<unknown> =>
  failing(env.RECORDS as Queue<unknown>, ["send", "sendBatch"], "Queue unavailable");

/** A records sink straight onto the real local queue, counted like the shard's outbox. */
export const queueSink: RecordSink = {
  async send(message) {
    await env.RECORDS.send(chunkOf(message), { contentType: "json" });
    counters.recordsQueued++;
  },
};

/**
 * A RECORDER binding whose shard runs the real recording pipeline in this isolate over the given bindings,
 * so a test can break the storage a shard sees (a Durable Object keeps the env it was started with).
 */
export function shardOver(bindings: {
  BLOBS?: R2Bucket;
  DB?: D1Database;
  records?: RecordSink;
}): Partial<Env> {
  const loaded = loadConfig(env);
  if (!loaded.ok) throw new Error("test config invalid");
  const stores: RecorderStores = {
    blobs: new R2BlobStore(bindings.BLOBS ?? env.BLOBS),
    index: new ArchiveIndex(onePartition(bindings.DB ?? env.DB)),
    forms: new FormStore(bindings.DB ?? env.DB),
    records: bindings.records ?? queueSink,
  };
  const record = (envelope: Envelope, requestBody: BodySource, responseBody: BodySource) =>
    recordExchange(
      pendingOf(envelope, requestBody, responseBody),
      { ...loaded.config, ...envelope.settings },
      stores,
    );
  const stub: ShardStub = {
    record,
    // Every shard is this one stand-in: nothing to pass on.
    recordBatch: async (_shard, items) => {
      await Promise.allSettled(items.map((item) => record(item.envelope, item.request, item.response)));
    },
  };
  return { RECORDER: namespaceOf(stub) };
}

/** A RECORDER binding whose shards cannot be reached. */
export function unreachableShards(): Partial<Env> {
  return {
    RECORDER: namespaceOf({
      record: () => Promise.reject(new Error("Durable Object unavailable")),
      recordBatch: () => Promise.reject(new Error("Durable Object unavailable")),
    }),
  };
}

/** What a test's stand-in shard answers: the hand-off calls (health's parkedChunks goes to the real one). */
type ShardStub = Pick<RecorderPort, "record" | "recordBatch">;

function namespaceOf(stub: ShardStub): Env["RECORDER"] {
  return new Proxy(env.RECORDER, {
    get(target, prop) {
      if (prop === "get") return () => stub;
      const value = Reflect.get(target, prop) as unknown;
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

/** A record as the one-record chunk a shard would queue for it. */
export function chunkOf(record: RecordMessage): ChunkMessage {
  return { v: 2, session_id: record.exchange.session_id, records: [record] };
}

function onePartition(db: D1Database): Partitions {
  return { control: db, all: [{ binding: "DB", db, from: 0 }] };
}

/** A RECORDER binding that throws as soon as a shard is asked for (missing or misconfigured). */
export function brokenBinding(): Partial<Env> {
  return {
    RECORDER: new Proxy(env.RECORDER, {
      get() {
        return () => {
          throw new Error("binding broken");
        };
      },
    }),
  };
}
