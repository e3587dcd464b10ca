import { createExecutionContext, createMessageBatch, env, getQueueResult } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { parsePartitions } from "../../worker/src/config/partitions-spec.ts";
import type { Env } from "../../worker/src/env.ts";
import { consumeRecords } from "../../worker/src/persist/consume-records.ts";
import type { RecordMessage } from "../../worker/src/record/record-message.ts";
import { ArchiveReader } from "../../worker/src/store/archive-reader.ts";
import { partitionAt, partitionsBetween } from "../../worker/src/store/partitions.ts";
import { readStores } from "../../worker/src/store/record-reader.ts";
import { chunkOf, shardOver } from "../helpers/faults.ts";
import { Customer } from "../helpers/browser-like.ts";

const bindings: Record<string, unknown> = { DB: env.DB, DB_2025: env.DB_2025, BLOBS: env.BLOBS };
const day = (iso: string) => Date.parse(`${iso}T00:00:00Z`);

describe("index partitions", () => {
  it.each([
    ["DB", null],
    ["DB_2025, DB@2026-01-01", null],
    ["", "lists no partition"],
    ["DB@2026-01-01", "the first partition has no start day"],
    ["DB_2025, DB", "needs its start day"],
    ["DB, DB_2025@2025-01-01, DB@2024-01-01", "must increase"],
    ["DB, NOPE@2027-01-01", '"NOPE" is not a D1 binding'],
    ["DB, BLOBS@2027-01-01", '"BLOBS" is not a D1 binding'],
    ["DB, DB_2025@2027-13-45", "is not a day"],
    ["DB;DB_2025", "is not BINDING or BINDING@YYYY-MM-DD"],
  ])("reads INDEX_PARTITIONS=%j (error: %s)", (spec, error) => {
    const parsed = parsePartitions(spec, (name) => bindings[name]);
    if (error === null) expect(parsed.ok).toBe(true);
    else expect(parsed.ok ? "" : parsed.error).toContain(error);
  });

  it("routes a moment to the partition it falls in, and a range to every partition it overlaps", () => {
    const parsed = parsePartitions("DB_2025, DB@2026-01-01", (name) => bindings[name]);
    if (!parsed.ok) throw new Error(parsed.error);
    const names = (ps: readonly { binding: string }[]) => ps.map((p) => p.binding);
    expect(partitionAt(parsed.partitions, day("2025-06-01")).binding).toBe("DB_2025");
    expect(partitionAt(parsed.partitions, day("2026-01-01")).binding).toBe("DB");
    expect(names(partitionsBetween(parsed.partitions, day("2025-12-31"), day("2026-01-02")))).toEqual([
      "DB",
      "DB_2025",
    ]);
    expect(names(partitionsBetween(parsed.partitions, day("2026-02-01"), day("2026-03-01")))).toEqual(["DB"]);
  });

  it("writes each chunk into its day's partition and reads a session across both", async () => {
    // Records as a shard would queue them, then moved in time: the first half into 2025.
    const captured: RecordMessage[] = [];
    const records = { send: (m: RecordMessage) => (captured.push(m), Promise.resolve()) };
    const visitor = new Customer("partitioned");
    for (const path of ["/", "/products/home-insurance", "/terms"])
      await visitor.request(path, {}, shardOver({ records }));
    const shifted = captured.map((m, i) =>
      i === 0 ? { ...m, exchange: { ...m.exchange, started_at: day("2025-12-31") + 1000 } } : m,
    );
    const partitioned = { ...env, INDEX_PARTITIONS: "DB_2025, DB@2026-01-01" } as Env;
    const batch = createMessageBatch<unknown>(
      "verbatim-records",
      shifted.map((m, i) => ({ id: `p${i}`, timestamp: Date.now(), attempts: 1, body: chunkOf(m) })),
    );
    await consumeRecords(batch, partitioned);
    expect((await getQueueResult(batch, createExecutionContext())).explicitAcks).toHaveLength(3);
    const count = async (db: D1Database) =>
      (await db.prepare("SELECT count(*) AS n FROM record_chunks").first<{ n: number }>())?.n ?? 0;
    expect(await count(env.DB_2025)).toBe(1);
    expect(await count(env.DB)).toBeGreaterThanOrEqual(2);
    const sessionId = shifted[0]?.exchange.session_id ?? "";
    const reader = new ArchiveReader(readStores(partitioned));
    const session = await reader.getSession(sessionId);
    expect(session?.exchange_count).toBe(3);
    const listed = await reader.listExchanges(sessionId, null, 10);
    expect(listed.map((e) => e.id)).toEqual(
      shifted
        .map((m) => m.exchange.id)
        .sort((a, b) => {
          const at = (id: string) => shifted.find((m) => m.exchange.id === id)?.exchange.started_at ?? 0;
          return at(a) - at(b) || (a < b ? -1 : 1);
        }),
    );
    expect((await reader.getExchange(shifted[0]?.exchange.id ?? ""))?.started_at).toBe(
      day("2025-12-31") + 1000,
    );
  });
});
