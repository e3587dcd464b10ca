import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { direct, SITE, sameBytes, visit } from "../helpers/visit.ts";

describe("proxy", () => {
  it("passes a latin-1 page through byte-identical and records it", async () => {
    const through = await visit(new Request(`${SITE}/latin1`), { ORIGIN: env.EDGE_ORIGIN });
    const straight = await direct(env.EDGE_ORIGIN, "/latin1");
    expect(through.response.status).toBe(200);
    expect(sameBytes(through.body, straight.body)).toBe(true);
    const rows = await env.DB.prepare("SELECT * FROM exchanges").all();
    expect(rows.results).toHaveLength(1);
  });
});
