import {
  createExecutionContext,
  createMessageBatch,
  env,
  getQueueResult,
  runInDurableObject,
} from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { Env } from "../../worker/src/env.ts";
import { consumeRecords } from "../../worker/src/persist/consume-records.ts";
import { consumeDeadLetters } from "../../worker/src/persist/dead-letters.ts";
import { RecordOutbox } from "../../worker/src/persist/record-outbox.ts";
import type { RecordMessage } from "../../worker/src/record/record-message.ts";
import { exchanges } from "../helpers/archive.ts";
import { Customer, tapped } from "../helpers/browser-like.ts";
import {
  chunkOf,
  failingD1,
  failingQueue,
  failingR2,
  shardOver,
  unreachableShards,
  brokenBinding,
} from "../helpers/faults.ts";
import { expectLogs, loggedEvents } from "../helpers/logs.ts";
import { adminGet, indexed, sameBytes } from "../helpers/visit.ts";

const PATHS = ["/", "/static/site.css", "/products/home-insurance", "/api/quote?product=home-insurance"];

async function health(): Promise<{ isolate: { failures: Record<string, number> }; status: string }> {
  return JSON.parse((await adminGet("/health")).text) as {
    isolate: { failures: Record<string, number> };
    status: string;
  };
}

/** Records as a shard queues them, captured instead of sent, for driving the consumer by hand. */
async function shardRecords(customer: string, paths: readonly string[]): Promise<RecordMessage[]> {
  const captured: RecordMessage[] = [];
  const records = { send: (message: RecordMessage) => (captured.push(message), Promise.resolve()) };
  const visitor = new Customer(customer);
  for (const path of paths) await visitor.request(path, {}, shardOver({ records }));
  return captured;
}

function batchOf(records: readonly RecordMessage[], attempts = 1): MessageBatch<unknown> {
  return createMessageBatch<unknown>(
    "verbatim-records",
    records.map((record, i) => ({ id: `m${i}`, timestamp: Date.now(), attempts, body: chunkOf(record) })),
  );
}

async function consume(batch: MessageBatch<unknown>, overrides: Partial<Env> = {}) {
  const ctx = createExecutionContext();
  await consumeRecords(batch, { ...env, ...overrides } as Env);
  return getQueueResult(batch, ctx);
}

describe("fail open: the visitor never notices", () => {
  const cases: Array<[string, Partial<Env>, string]> = [
    ["no recording shard can be reached", unreachableShards(), "handoff"],
    ["the RECORDER binding throws when asked for a shard", brokenBinding(), "handoff"],
    ["R2 rejects every write the shard makes", shardOver({ BLOBS: failingR2() }), "r2"],
  ];

  it.each(cases)(
    "leaves the visitor's response byte-identical when %s, and counts the failure",
    async (_name, broken, stage) => {
      expectLogs("recorder_failure");
      const before = (await health()).isolate.failures[stage] ?? 0;
      const customer = new Customer(`fail-${stage}-${Math.random().toString(36).slice(2, 6)}`);
      for (const path of PATHS) {
        const result = await customer.request(path, {}, broken);
        expect(result.response.status).toBe(200);
        expect(sameBytes(result.body, await tapped(result.id)), path).toBe(true);
      }
      const after = await health();
      expect(after.isolate.failures[stage] ?? 0).toBeGreaterThan(before);
      expect(after.status).toBe("degraded");
      expect(loggedEvents("recorder_failure").map((r) => r["stage"])).toContain(stage);
    },
  );

  it("still indexes the exchange, without its body, when only R2 is down", async () => {
    expectLogs("recorder_failure");
    const customer = new Customer("r2-only");
    await customer.request("/terms", {}, shardOver({ BLOBS: failingR2() }));
    const row = (await exchanges()).filter((r) => r.url.endsWith("/terms")).at(-1);
    expect(row?.response_body_digest).toBeNull();
    expect(row?.response_body_note).toContain("store_failed");
  });

  it("still indexes the exchange when the shard cannot read the index (session from its cookie)", async () => {
    const customer = new Customer("d1-reads-down");
    await customer.request("/products/home-insurance");
    const first = (await exchanges()).at(-1);
    await customer.request("/terms", {}, shardOver({ DB: failingD1() }));
    const row = (await exchanges()).filter((r) => r.url.endsWith("/terms")).at(-1);
    expect(row?.session_id).toBe(first?.session_id);
  });

  it("keeps what was stored before an outage, and records again after it", async () => {
    expectLogs("recorder_failure");
    const customer = new Customer("before-outage");
    await customer.request("/products/car-insurance");
    const stored = (await exchanges()).length;
    await customer.request("/products/car-insurance", {}, unreachableShards());
    expect((await exchanges()).length).toBe(stored);
    await customer.request("/products/car-insurance");
    expect((await exchanges()).length).toBe(stored + 1);
  });
});

describe("the index consumer: batched, idempotent, nothing lost", () => {
  it("writes a batch in one go, and a redelivered batch duplicates nothing", async () => {
    const records = await shardRecords("batch-once", PATHS);
    const before = (await exchanges()).length;
    const first = await consume(batchOf(records));
    expect(first.explicitAcks).toHaveLength(records.length);
    expect((await exchanges()).length).toBe(before + records.length);
    const again = await consume(batchOf(records, 2));
    expect(again.explicitAcks).toHaveLength(records.length);
    expect((await exchanges()).length).toBe(before + records.length);
  });

  it("retries the whole batch while D1 is down, and indexes it once D1 is back", async () => {
    expectLogs("recorder_failure");
    const records = await shardRecords("batch-d1-down", PATHS);
    const before = (await exchanges()).length;
    for (let attempt = 1; attempt <= 2; attempt++) {
      const result = await consume(batchOf(records, attempt), { DB: failingD1() });
      expect(result.retryMessages).toHaveLength(records.length);
      expect(result.explicitAcks).toHaveLength(0);
    }
    expect((await exchanges()).length).toBe(before);
    const result = await consume(batchOf(records, 3));
    expect(result.explicitAcks).toHaveLength(records.length);
    expect((await exchanges()).length).toBe(before + records.length);
  });

  it("retries a malformed message alone and indexes the rest of its batch", async () => {
    const records = await shardRecords("batch-poison", PATHS.slice(0, 2));
    const before = (await exchanges()).length;
    const batch = createMessageBatch<unknown>("verbatim-records", [
      { id: "good-0", timestamp: Date.now(), attempts: 1, body: chunkOf(records[0]!) },
      {
        id: "poison",
        timestamp: Date.now(),
        attempts: 1,
        body: { v: 2, session_id: "x", records: [{ id: 42 }] },
      },
      { id: "good-1", timestamp: Date.now(), attempts: 1, body: chunkOf(records[1]!) },
    ]);
    const result = await consume(batch);
    expect(result.retryMessages.map((m) => m.msgId)).toEqual(["poison"]);
    expect(result.explicitAcks.sort()).toEqual(["good-0", "good-1"]);
    expect((await exchanges()).length).toBe(before + 2);
  });

  it("parks records in the shard while the queue is unavailable and sends them when it is back", async () => {
    expectLogs("recorder_failure");
    const records = await shardRecords("queue-down", PATHS.slice(0, 3));
    const before = (await exchanges()).length;
    const stub = env.RECORDER.get(env.RECORDER.idFromName("queue-down-test"));
    const parked = await runInDurableObject(stub, async (_instance, state) => {
      const down = new RecordOutbox(failingQueue(), env.BLOBS, state.storage);
      for (const record of records) await down.send(chunkOf(record));
      // However many chunks an outage parks, the back-off grows per failed re-send: the first is due
      // after 5 s, and after one failed re-send (the alarm fired, the queue still down) the next after 15 s.
      expect(await state.storage.getAlarm()).toBeLessThanOrEqual(Date.now() + 5_000);
      await state.storage.deleteAlarm();
      await down.flush();
      expect(await state.storage.getAlarm()).toBeLessThanOrEqual(Date.now() + 15_000);
      return (await state.storage.list({ prefix: "outbox/" })).size;
    });
    expect(parked).toBe(records.length);
    await runInDurableObject(stub, async (_instance, state) => {
      await new RecordOutbox(env.RECORDS as Queue<unknown>, env.BLOBS, state.storage).flush();
      expect((await state.storage.list({ prefix: "outbox/" })).size).toBe(0);
    });
    await indexed();
    expect((await exchanges()).length).toBe(before + records.length);
  });
});

describe("health of the recording path", () => {
  it("shows every shard reachable, chunks parked in a shard, and dead letters", async () => {
    expectLogs("recorder_failure");
    const records = await shardRecords("health-parked", PATHS.slice(0, 1));
    const shard = env.RECORDER.get(env.RECORDER.idFromName("shard-0"));
    await runInDurableObject(shard, async (_instance, state) => {
      for (const record of records)
        await new RecordOutbox(failingQueue(), env.BLOBS, state.storage).send(chunkOf(record));
    });
    const dead = createMessageBatch<unknown>("verbatim-records-dlq", [
      { id: "dead-1", timestamp: Date.now(), attempts: 6, body: chunkOf(records[0]!) },
    ]);
    await consumeDeadLetters(dead, env as Env);
    const health = JSON.parse((await adminGet("/health")).text) as {
      status: string;
      deadLetters: number;
      shards: { reachable: number; of: number; parkedChunks: number };
    };
    expect(health.shards.reachable).toBe(health.shards.of);
    expect(health.shards.parkedChunks).toBeGreaterThanOrEqual(1);
    expect(health.deadLetters).toBeGreaterThanOrEqual(1);
    expect(health.status).toBe("degraded");
    await runInDurableObject(shard, (_instance, state) => state.storage.deleteAll());
  });
});
