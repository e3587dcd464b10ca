import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import {
  HandOffBatcher,
  type BatchLimits,
  type HandedExchange,
} from "../../worker/src/capture/hand-off-batch.ts";
import { shardOf } from "../../worker/src/capture/shard-key.ts";
import type { Env } from "../../worker/src/env.ts";
import { RECORDER_COOKIE } from "../../worker/src/snapshot/cookies.ts";
import worker from "../../worker/src/index.ts";
import { counters } from "../../worker/src/log/health-counters.ts";
import { exchanges, sessions } from "../helpers/archive.ts";
import { Customer } from "../helpers/browser-like.ts";
import { unreachableShards } from "../helpers/faults.ts";
import { expectLogs } from "../helpers/logs.ts";
import { sidCookie, signedSid } from "../helpers/recorder-cookie.ts";
import { asIncoming, indexed, SITE } from "../helpers/visit.ts";

const item = (shard: number, id: string, bytes = 0): HandedExchange => ({
  shard,
  envelope: { id } as HandedExchange["envelope"],
  request: null,
  response: bytes ? { bytes: new Uint8Array(bytes), size: bytes, truncated: false, error: null } : null,
});

/** The archive's exchanges recorded since `before` (the archive is per test file, not per test). */
async function newSince(before: ReadonlySet<string>) {
  return (await exchanges()).filter((row) => !before.has(row.id));
}
const idsNow = async () => new Set((await exchanges()).map((row) => row.id));

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("hand-off batches: what goes in one call", () => {
  const limits: BatchLimits = { windowMs: 20, maxItems: 3, maxBytes: 1000 };
  const cases: Array<[string, Array<[shard: number, id: string, bytes?: number]>, string[][]]> = [
    ["one exchange goes alone when the window closes", [[0, "a"]], [["a"]]],
    [
      "exchanges within the window go together",
      [
        [1, "a"],
        [1, "b"],
      ],
      [["a", "b"]],
    ],
    [
      "exchanges of different shards go in the same call",
      [
        [1, "a"],
        [2, "b"],
        [1, "c"],
      ],
      [["a", "b", "c"]],
    ],
    [
      "a full batch goes at once and the next one starts",
      [
        [0, "a"],
        [3, "b"],
        [0, "c"],
        [0, "d"],
      ],
      [["a", "b", "c"], ["d"]],
    ],
    [
      "a batch past its byte limit goes at once",
      [
        [0, "a", 600],
        [5, "b", 600],
        [0, "c"],
      ],
      [["a", "b"], ["c"]],
    ],
  ];
  it.each(cases)("%s", async (_name, adds, expected) => {
    const batcher = new HandOffBatcher();
    const calls: string[][] = [];
    const send = (items: HandedExchange[]) => (
      calls.push(items.map((i) => i.envelope.id)),
      Promise.resolve()
    );
    const settled = adds.map(([shard, id, bytes]) => batcher.add(item(shard, id, bytes), send, limits));
    expect(batcher.waiting).toBe(adds.length);
    await Promise.all(settled);
    expect(calls.sort((x, y) => x.length - y.length || x.join().localeCompare(y.join()))).toEqual(
      [...expected].sort((x, y) => x.length - y.length || x.join().localeCompare(y.join())),
    );
    expect(batcher.waiting).toBe(0);
  });

  it("lets the exchanges that join a batch go at once, and holds the one that opened it until it is sent", async () => {
    const batcher = new HandOffBatcher();
    let sent = false;
    const send = async () => {
      await sleep(5);
      sent = true;
    };
    const opener = batcher.add(item(0, "a"), send, { ...limits, windowMs: 30 });
    await batcher.add(item(1, "b"), send, { ...limits, windowMs: 30 });
    expect(sent).toBe(false);
    expect(batcher.waiting).toBe(2);
    await opener;
    expect(sent).toBe(true);
    expect(batcher.waiting).toBe(0);
  });
});

describe("hand-off batches through the Worker", () => {
  it("records concurrent visitors' exchanges under their own sessions, across shards, in fewer calls than exchanges", async () => {
    const customers = ["ann", "ben", "cat", "dan"].map((name) => new Customer(name));
    // Session cookies chosen so the customers' sessions belong to different shards: the batch's call goes to
    // one of them, which passes the others on.
    const shards = new Set<number>();
    for (const c of customers) {
      for (let n = 0; ; n++) {
        const sid = await signedSid(`batch-test-${c.name}-${n}`);
        const shard = shardOf(null, sid, [], 8);
        if (shards.has(shard)) continue;
        shards.add(shard);
        c.jar.set(RECORDER_COOKIE, sid);
        break;
      }
    }
    expect(shards.size).toBe(customers.length);
    const known = await idsNow();
    const sessionsBefore = (await sessions()).length;
    await Promise.all(customers.map((c) => c.request("/")));
    const calls = counters.handOffCalls;
    const handed = counters.handedOff;
    // Each customer's page and its assets at once, as a browser fetches them.
    const paths = [
      "/static/site.css",
      "/static/app.js",
      "/api/quote?product=home-insurance",
      "/products/car-insurance",
    ];
    const gathering = { HANDOFF_BATCH_MS: "200" };
    await Promise.all(customers.flatMap((c) => paths.map((path) => c.request(path, {}, gathering))));
    await indexed();
    const sent = customers.length * paths.length;
    expect(counters.handedOff - handed).toBe(sent);
    expect(counters.handOffCalls - calls).toBeLessThan(sent);

    const rows = await newSince(known);
    const byCustomer = new Map(customers.map((c) => [c.name, new Set<string>()]));
    for (const row of rows) {
      const testId = (JSON.parse(row.request_headers) as [string, string][]).find(
        ([n]) => n === "x-test-id",
      )?.[1];
      const name = testId?.split("-")[0];
      if (name) byCustomer.get(name)?.add(row.session_id);
    }
    // Every exchange once, each customer's exchanges under one session of their own.
    expect(rows.length).toBe(customers.length * (paths.length + 1));
    expect(new Set(rows.map((r) => r.id)).size).toBe(rows.length);
    for (const [, sessionIds] of byCustomer) expect(sessionIds.size).toBe(1);
    expect(new Set([...byCustomer.values()].flatMap((s) => [...s])).size).toBe(customers.length);
    expect((await sessions()).length - sessionsBefore).toBe(customers.length);
  });

  it("records an exchange whose request finished before its batch left", async () => {
    const known = await idsNow();
    const ctx1 = createExecutionContext();
    const ctx2 = createExecutionContext();
    const cookie = await sidCookie("joiner-test");
    const e = { ...env, HANDOFF_BATCH_MS: "200" } as Env;
    const opener = await worker.fetch(asIncoming(new Request(`${SITE}/`, { headers: cookie })), e, ctx1);
    await opener.arrayBuffer();
    const joiner = await worker.fetch(
      asIncoming(new Request(`${SITE}/static/site.css`, { headers: cookie })),
      e,
      ctx2,
    );
    await joiner.arrayBuffer();
    // The joiner's request is done while its exchange still waits in the opener's batch.
    await waitOnExecutionContext(ctx2);
    expect(await newSince(known)).toHaveLength(0);
    await waitOnExecutionContext(ctx1);
    await indexed();
    const rows = await newSince(known);
    expect(rows.map((r) => new URL(r.url).pathname).sort()).toEqual(["/", "/static/site.css"]);
  });

  it("counts every exchange of a batch that no shard took, and the visitors still get their pages", async () => {
    expectLogs("recorder_failure");
    const before = {
      failed: counters.failures.handoff,
      lost: counters.exchangesNotRecorded,
      rows: (await exchanges()).length,
    };
    const customer = new Customer("eve");
    const broken = { ...unreachableShards(), HANDOFF_BATCH_MS: "200" };
    const results = await Promise.all(
      ["/", "/static/site.css", "/static/app.js"].map((path) => customer.request(path, {}, broken)),
    );
    expect(results.map((r) => r.response.status)).toEqual([200, 200, 200]);
    expect(counters.failures.handoff - before.failed).toBe(3);
    expect(counters.exchangesNotRecorded - before.lost).toBe(3);
    expect(await exchanges()).toHaveLength(before.rows);
  });
});

describe("hand-off batches: one visit's exchanges in one batch", () => {
  it("records a sign-in and the pages it leads to under one session when they share a batch", async () => {
    const known = await idsNow();
    const failures = { ...counters.failures };
    const formsUnseen = counters.formsUnseen;
    const e = { ...env, HANDOFF_BATCH_MS: "300" } as Env;
    const contexts: ExecutionContext[] = [];
    const jar = new Map<string, string>();
    const send = async (path: string, init: RequestInit = {}) => {
      const headers = new Headers(init.headers);
      headers.set("sec-fetch-dest", path.startsWith("/api") ? "empty" : "document");
      if (jar.size > 0) headers.set("cookie", [...jar].map(([k, v]) => `${k}=${v}`).join("; "));
      const ctx = createExecutionContext();
      contexts.push(ctx);
      const response = await worker.fetch(
        asIncoming(new Request(SITE + path, { ...init, headers, redirect: "manual" })),
        e,
        ctx,
      );
      await response.arrayBuffer();
      for (const line of response.headers.getSetCookie()) {
        const [pair = ""] = line.split(";");
        const at = pair.indexOf("=");
        jar.set(pair.slice(0, at), pair.slice(at + 1));
      }
    };
    // As a browser signs in: the form, its post (303), the page it leads to and that page's JSON call, each
    // request sent as soon as the previous answer arrived, so all four share one hand-off batch.
    await send("/login");
    await send("/login", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "username=zoe&password=zoe-pass",
    });
    await send("/products/home-insurance");
    await send("/api/quote?product=home-insurance");
    await Promise.all(contexts.map((ctx) => waitOnExecutionContext(ctx)));
    await indexed();
    const rows = await newSince(known);
    expect(rows).toHaveLength(4);
    expect(new Set(rows.map((r) => r.session_id)).size).toBe(1);
    expect(counters.failures).toEqual(failures);
    // The sign-in page was recorded (its form learned) before its post was masked, though both came in one call.
    expect(counters.formsUnseen).toBe(formsUnseen);
  });
});
