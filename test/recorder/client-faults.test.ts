import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { recorderMaskContext } from "../../worker/src/mask/index.ts";
import { readBodyPart } from "../../worker/src/recorder/body-part.ts";
import type { ClientFault } from "../../worker/src/log/health-counters.ts";
import { exchangeFor } from "../helpers/archive.ts";
import { failingR2, shardOver } from "../helpers/faults.ts";
import { expectLogs, loggedEvents } from "../helpers/logs.ts";
import { adminGet, SITE, visit } from "../helpers/visit.ts";

type Health = {
  status: string;
  isolate: { failures: Record<string, number>; client: Record<ClientFault, number> };
  recentFailures: unknown[] | null;
};

async function health(): Promise<Health> {
  return JSON.parse((await adminGet("/health")).text) as Health;
}

const edge = { ORIGIN: env.EDGE_ORIGIN };

/** A request body that ends in an error part-way, as an upload does when the visitor goes away. */
function abandonedUpload(): ReadableStream<Uint8Array> {
  let sent = false;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent) {
        controller.error(new Error("visitor went away"));
        return;
      }
      sent = true;
      controller.enqueue(new TextEncoder().encode("name=alice&comment="));
    },
  });
}

describe("client faults", () => {
  const cases: Array<[string, ClientFault, string, RequestInit]> = [
    [
      "a request body that falsely claims gzip",
      "request_decode",
      "/echo?case=false-gzip",
      {
        method: "POST",
        headers: { "content-type": "application/json", "content-encoding": "gzip" },
        body: '{"note":"not gzip at all"}',
      },
    ],
    [
      "a multipart body without a boundary",
      "request_malformed",
      "/echo?case=no-boundary",
      { method: "POST", headers: { "content-type": "multipart/form-data" }, body: "name=alice" },
    ],
  ];

  it.each(cases)("counts %s as a client fault and stays ok", async (_name, fault, path, init) => {
    expectLogs("client_fault", "origin_unreachable");
    const before = await health();
    await visit(new Request(`${SITE}${path}`, init), edge);
    const after = await health();
    expect(after.isolate.client[fault]).toBe(before.isolate.client[fault] + 1);
    expect(after.isolate.failures).toEqual(before.isolate.failures);
    expect(after.recentFailures).toEqual([]);
    expect(after.status).toBe("ok");
    // The exchange is still recorded, with the reason its request body is missing.
    expect((await exchangeFor(path)).request_body_digest).toBeNull();
  });

  it("counts an upload the visitor abandoned as a client fault, not a capture failure", async () => {
    // Straight to the recorder's body reader: through the Worker, workerd itself reports the errored
    // upload stream as an uncaught rejection (the same happens to a bare fetch), which would be noise here.
    expectLogs("client_fault");
    const before = await health();
    const part = await readBodyPart({
      source: abandonedUpload(),
      side: "request",
      contentType: "application/x-www-form-urlencoded",
      contentEncoding: null,
      declaredLength: null,
      cap: 1_000_000,
      ctx: recorderMaskContext(env.VERBATIM_SECRET ?? "", `${SITE}/comment`),
      exchangeId: "client-faults-abandoned",
      sink: null,
    });
    expect(part.streamError).not.toBeNull();
    const after = await health();
    expect(after.isolate.client.visitor_disconnected).toBe(before.isolate.client.visitor_disconnected + 1);
    expect(after.isolate.failures).toEqual(before.isolate.failures);
    expect(after.status).toBe("ok");
    expect(loggedEvents("client_fault").map((r) => r["fault"])).toEqual(["visitor_disconnected"]);
  });

  it("still counts a recorder fault as degraded", async () => {
    expectLogs("recorder_failure");
    await visit(new Request(`${SITE}/latin1?fault=r2`), { ...edge, ...shardOver({ BLOBS: failingR2() }) });
    const after = await health();
    expect(after.isolate.failures["r2"]).toBeGreaterThan(0);
    expect(after.status).toBe("degraded");
  });
});
