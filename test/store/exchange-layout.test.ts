import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { layOut } from "./legacy-layout.ts";
import type { ExchangeRow } from "../../worker/src/record/rows.ts";

const base: ExchangeRow = {
  id: "01M84BKY8NR3QWFR5PDWYASPFY",
  session_id: "0123456789abcdef0123456789abcdef",
  day: "2026-11-23",
  started_at: 1_795_440_000_000,
  ttfb_ms: 3,
  total_ms: 5,
  method: "GET",
  url: "https://shop.example/x",
  status: 200,
  content_type: "text/css",
  content_class: "css",
  page_view: 0,
  request_headers: JSON.stringify([
    ["accept", "*/*"],
    ["cf-ray", "8c1f"],
  ]),
  response_headers: JSON.stringify([
    ["content-type", "text/css"],
    ["date", "Mon, 23 Nov 2026 14:00:00 GMT"],
    ["etag", '"a"'],
  ]),
  request_body_digest: null,
  request_body_size: null,
  request_body_note: null,
  response_body_digest: null,
  response_body_size: 10,
  response_body_note: null,
  validator: '"a"',
  revalidated_digest: null,
  context: JSON.stringify({ device: "desktop" }),
  error: null,
  mask_policy: "default-0",
  mask_report: "[]",
  record_hash: "f".repeat(64),
};

describe("legacy exchange layout (read through the exchanges view)", () => {
  it("shares header lists and puts per-response values back through the view", async () => {
    const { log, parts } = layOut(base);
    expect(log.response_volatile).toBe(JSON.stringify([[1, "Mon, 23 Nov 2026 14:00:00 GMT"]]));
    expect(log.request_headers_tail).toBe(JSON.stringify([["cf-ray", "8c1f"]]));
    expect(log.mask_report).toBeNull();
    const statements = parts.map((p) =>
      env.DB.prepare("INSERT OR IGNORE INTO record_parts (digest, body) VALUES (?, ?)").bind(
        p.digest,
        p.body,
      ),
    );
    await env.DB.batch(statements);
    await env.DB.prepare(
      "INSERT INTO session_log (id, first_seen, last_seen, host, device) VALUES (?, 0, 0, 'h', 'desktop')",
    )
      .bind(base.session_id)
      .run();
    const columns = Object.keys(log) as Array<keyof typeof log>;
    await env.DB.prepare(
      `INSERT INTO exchange_log (${columns.join(",")}) VALUES (${columns.map(() => "?").join(",")})`,
    )
      .bind(...columns.map((c) => log[c]))
      .run();
    const row = await env.DB.prepare("SELECT * FROM exchanges WHERE id = ?")
      .bind(base.id)
      .first<ExchangeRow>();
    expect(row).toEqual(base);
  });

  it("keeps header lists with more volatile values than the view can restore inline", () => {
    const headers = JSON.stringify([
      ["date", "d"],
      ["age", "1"],
      ["expires", "e"],
    ]);
    const { log, parts } = layOut({ ...base, response_headers: headers });
    expect(log.response_headers).toBe(headers);
    expect(log.response_headers_ref).toBeNull();
    expect(parts).toHaveLength(2);
  });
});
