import { describe, expect, it } from "vitest";
import { checkIntegrity } from "../../worker/src/read/model/integrity.ts";
import { recordHash, sha256Hex } from "../../worker/src/snapshot/record-hash.ts";
import type { ExchangeRow } from "../../worker/src/record/rows.ts";

const body = new TextEncoder().encode("<html>hello</html>");

async function intact(): Promise<ExchangeRow> {
  const row: Omit<ExchangeRow, "record_hash"> = {
    id: "01M8494D9J9MWAYS0H034G9S6W",
    session_id: "0123456789abcdef0123456789abcdef",
    day: "2026-11-23",
    started_at: Date.UTC(2026, 10, 23),
    ttfb_ms: 5,
    total_ms: 9,
    method: "GET",
    url: "https://shop.example/",
    status: 200,
    content_type: "text/html",
    content_class: "html",
    page_view: 1,
    request_headers: "[]",
    response_headers: "[]",
    request_body_digest: null,
    request_body_size: null,
    request_body_note: null,
    response_body_digest: await sha256Hex(body),
    response_body_size: body.byteLength,
    response_body_note: null,
    validator: null,
    revalidated_digest: null,
    context: "{}",
    error: null,
    mask_policy: "default-0123456789abcdef",
    mask_report: "[]",
  };
  return { ...row, record_hash: await recordHash(row) };
}

const store = (get: (digest: string) => Promise<Uint8Array | null>) => ({ get });
const holding = (bytes: Uint8Array) => store(async () => bytes);

describe("checkIntegrity", () => {
  it.each([
    ["an intact record with its body", (r: ExchangeRow) => r, holding(body), "verified"],
    [
      "a record whose status was edited",
      (r: ExchangeRow) => ({ ...r, status: 500 }),
      holding(body),
      "mismatch",
    ],
    [
      "a record whose hash was edited",
      (r: ExchangeRow) => ({ ...r, record_hash: "0".repeat(64) }),
      holding(body),
      "mismatch",
    ],
    ["a body deleted from R2", (r: ExchangeRow) => r, store(async () => null), "body_missing"],
    [
      "a body whose bytes changed",
      (r: ExchangeRow) => r,
      holding(new TextEncoder().encode("<html>evil</html>")),
      "mismatch",
    ],
    [
      "a body that no longer decompresses",
      (r: ExchangeRow) => r,
      store(async () => {
        throw new RangeError("bad gzip");
      }),
      "mismatch",
    ],
    [
      "an edit plus a missing body (the edit wins)",
      (r: ExchangeRow) => ({ ...r, url: "https://x/" }),
      store(async () => null),
      "mismatch",
    ],
  ])("%s is %s", async (_name, change, blobs, status) => {
    const result = await checkIntegrity(change(await intact()), blobs);
    expect(result.status).toBe(status);
  });

  it("reports each check, and checks only the record when there is no body", async () => {
    const row = await intact();
    const withBody = await checkIntegrity(row, holding(body));
    expect(withBody.checks.map((c) => [c.subject, c.result])).toEqual([
      ["record", "ok"],
      ["response body", "ok"],
    ]);
    const { record_hash: _hash, ...columns } = row;
    const noBody = { ...columns, response_body_digest: null, response_body_note: "mask_failed:x" };
    const result = await checkIntegrity(
      { ...noBody, record_hash: await recordHash(noBody) },
      store(async () => null),
    );
    expect(result).toEqual({
      status: "verified",
      checks: [expect.objectContaining({ subject: "record", result: "ok" })],
    });
  });
});
