import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { Env } from "../../worker/src/env.ts";
import { exchanges } from "../helpers/archive.ts";
import { Customer, tapped } from "../helpers/browser-like.ts";
import { expectLogs, loggedEvents } from "../helpers/logs.ts";
import { adminGet, sameBytes } from "../helpers/visit.ts";

/** Wraps the real local bindings so that chosen operations fail, the way an outage looks from a Worker. */
function failingR2(): R2Bucket {
  const real = env.BLOBS;
  return new Proxy(real, {
    get(target, prop) {
      if (prop === "put") return () => Promise.reject(new Error("R2 unavailable"));
      const value = Reflect.get(target, prop) as unknown;
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

function failingD1(): D1Database {
  const real = env.DB;
  return new Proxy(real, {
    get(target, prop) {
      if (prop === "batch" || prop === "prepare")
        return () => {
          throw new Error("D1 unavailable");
        };
      const value = Reflect.get(target, prop) as unknown;
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

const PATHS = ["/", "/static/site.css", "/products/home-insurance", "/api/quote?product=home-insurance"];

async function health(): Promise<{ isolate: { failures: Record<string, number> }; status: string }> {
  return JSON.parse((await adminGet("/health")).text) as {
    isolate: { failures: Record<string, number> };
    status: string;
  };
}

describe("fail open", () => {
  const cases: Array<[string, Partial<Env>, string]> = [
    ["R2 rejects every write", { BLOBS: failingR2() }, "r2"],
    ["D1 throws on every statement", { DB: failingD1() }, "d1"],
    ["R2 and D1 are both down", { BLOBS: failingR2(), DB: failingD1() }, "d1"],
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
    await customer.request("/terms", {}, { BLOBS: failingR2() });
    const row = (await exchanges()).find((r) => r.url.endsWith("/terms"));
    expect(row?.response_body_digest).toBeNull();
    expect(row?.response_body_note).toContain("store_failed");
  });

  it("keeps what was stored before an outage", async () => {
    expectLogs("recorder_failure");
    const customer = new Customer("before-outage");
    await customer.request("/products/car-insurance");
    const stored = (await exchanges()).length;
    await customer.request("/products/car-insurance", {}, { DB: failingD1(), BLOBS: failingR2() });
    expect((await exchanges()).length).toBe(stored);
    await customer.request("/products/car-insurance");
    expect((await exchanges()).length).toBe(stored + 1);
  });
});
