import { gzipSync } from "fflate";
import { beforeAll, describe, expect, it } from "vitest";
import { WarcFileWriter, type WarcExchangeInput } from "../../worker/src/export/warc-file.ts";
import { exchangeInput, hexSha256, utf8, type ExchangeSpec } from "./exchange-fixtures.ts";
import { readRecord, type ReadRecord } from "./read-record.ts";

const T0 = Date.UTC(2026, 2, 14, 9, 26, 53, 589);
const FILE = "data-00001.warc.gz";

const page = utf8(
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Checkout</title>` +
    `<link rel="stylesheet" href="/assets/app.css"></head><body><main id="cart">` +
    Array.from(
      { length: 40 },
      (_, i) => `<div class="line" data-sku="SKU-${i}">Item ${i} — £${(i * 3.5).toFixed(2)}</div>`,
    ).join("") +
    `</main><script src="/assets/app.js" defer></script></body></html>`,
);
const cartRequest = utf8(JSON.stringify({ sku: "SKU-7", quantity: 2, gift: false, note: null }));
const cartResponse = utf8(
  JSON.stringify({ ok: true, items: [{ sku: "SKU-7", quantity: 2 }], total: "7.00" }),
);
// Compressed bytes: a body that is not text and not UTF-8, as a font or image is.
const font = gzipSync(utf8("wOF2 glyph outlines ".repeat(300)), { mtime: 0 });

type Case = { name: string; spec: ExchangeSpec; type: "response" | "revisit"; status: string; note?: RegExp };

const CASES: Case[] = [
  {
    name: "a GET page view whose wire body was brotli",
    spec: {
      id: "x-01",
      url: "https://www.shop.example/checkout?step=2&b=1#summary",
      startedAt: T0,
      pageView: true,
      responseHeaders: [
        ["content-type", "text/html; charset=utf-8"],
        ["content-encoding", "br"],
        ["content-length", "1234"],
        ["cache-control", "no-store"],
      ],
      responseBody: page,
    },
    type: "response",
    status: "HTTP/1.1 200 OK",
  },
  {
    name: "a POST with a JSON body",
    spec: {
      id: "x-02",
      url: "https://shop.example/api/cart",
      method: "POST",
      startedAt: T0 + 1_000,
      requestHeaders: [
        ["host", "shop.example"],
        ["content-type", "application/json"],
        ["content-length", String(cartRequest.length)],
      ],
      requestBody: cartRequest,
      responseHeaders: [
        ["content-type", "application/json"],
        ["transfer-encoding", "chunked"],
      ],
      responseBody: cartResponse,
    },
    type: "response",
    status: "HTTP/1.1 200 OK",
  },
  {
    name: "a 304 revalidation, no body",
    spec: {
      id: "x-03",
      url: "https://shop.example/assets/app.css",
      status: 304,
      startedAt: T0 + 2_000,
      requestHeaders: [["if-none-match", '"v1"']],
      responseHeaders: [["etag", '"v1"']],
    },
    type: "response",
    status: "HTTP/1.1 304 Not Modified",
  },
  {
    name: "a body the recorder did not keep",
    spec: {
      id: "x-04",
      url: "https://shop.example/media/tour.mp4",
      startedAt: T0 + 3_000,
      responseHeaders: [["content-type", "video/mp4"]],
      responseNote: "body over the 8 MB limit: not stored",
    },
    type: "response",
    status: "HTTP/1.1 200 OK",
    note: /^body over the 8 MB limit: not stored$/,
  },
  {
    name: "a binary body",
    spec: {
      id: "x-05",
      url: "https://shop.example/fonts/inter.woff2",
      startedAt: T0 + 4_000,
      responseHeaders: [["content-type", "font/woff2"]],
      responseBody: font,
    },
    type: "response",
    status: "HTTP/1.1 200 OK",
  },
  {
    name: "the same page bytes again, at another URL",
    spec: {
      id: "x-06",
      url: "https://shop.example/checkout/copy",
      startedAt: T0 + 5_000,
      responseHeaders: [["content-type", "text/html; charset=utf-8"]],
      responseBody: page,
    },
    type: "revisit",
    status: "HTTP/1.1 200 OK",
  },
  {
    name: "a second empty payload (never a revisit)",
    spec: {
      id: "x-07",
      url: "https://shop.example/assets/app.js",
      status: 304,
      startedAt: T0 + 6_000,
      responseHeaders: [["etag", '"v2"']],
    },
    type: "response",
    status: "HTTP/1.1 304 Not Modified",
  },
  {
    name: "a stored body missing from storage at export",
    spec: {
      id: "x-08",
      url: "https://shop.example/img/logo.png",
      status: 599,
      startedAt: T0 + 7_000,
      responseHeaders: [["content-type", "image/png"]],
      responseMissing: true,
    },
    type: "response",
    status: "HTTP/1.1 599 Unknown",
    note: /^body sha256:(ab){32} was not in storage at export$/,
  },
];

type Written = {
  input: WarcExchangeInput;
  start: number;
  out: Awaited<ReturnType<WarcFileWriter["exchange"]>>;
  request: ReadRecord;
  response: ReadRecord;
};

async function writeAll(inputs: readonly WarcExchangeInput[]) {
  const writer = new WarcFileWriter(FILE);
  const warcinfo = await writer.warcinfo({ software: "Verbatim test", isPartOf: "export e-1" }, T0);
  const written: Written[] = [];
  for (const input of inputs) {
    const start = writer.size;
    const out = await writer.exchange(input);
    const split = out.responseOffset - start;
    written.push({
      input,
      start,
      out,
      request: readRecord(out.bytes.subarray(0, split)),
      response: readRecord(out.bytes.subarray(split)),
    });
  }
  return { writer, warcinfo, written };
}

let inputs: WarcExchangeInput[];
let run: Awaited<ReturnType<typeof writeAll>>;
const byId = (id: string): Written => {
  const found = run.written.find((w) => w.input.row.id === id);
  if (!found) throw new Error(`no exchange ${id}`);
  return found;
};

beforeAll(async () => {
  inputs = await Promise.all(CASES.map((c) => exchangeInput(c.spec)));
  run = await writeAll(inputs);
});

describe("WarcFileWriter", () => {
  it.each(CASES.map((c) => [c.name, c] as const))("%s: request then %s", async (_name, c) => {
    const { request, response, input } = byId(c.spec.id);
    expect(request.field("WARC-Type")).toBe("request");
    expect(response.field("WARC-Type")).toBe(c.type);
    expect(response.httpHead.split("\r\n")[0]).toBe(c.status);
    for (const record of [request, response]) {
      expect(record.field("WARC-Verbatim-Exchange")).toBe(c.spec.id);
      expect(record.field("WARC-Target-URI")).toBe(c.spec.url);
      expect(record.field("WARC-Date")).toBe(new Date(c.spec.startedAt).toISOString());
      expect(record.field("WARC-Block-Digest")).toBe(`sha256:${await hexSha256(record.block)}`);
    }
    const body = input.responseBody ?? new Uint8Array(0);
    expect(response.field("WARC-Payload-Digest")).toBe(`sha256:${await hexSha256(body)}`);
    if (input.row.response_body_digest && input.responseBody)
      expect(response.field("WARC-Payload-Digest")).toBe(`sha256:${input.row.response_body_digest}`);
    expect([...response.payload]).toEqual(c.type === "revisit" ? [] : [...body]);
    const note = response.field("WARC-Verbatim-Body-Note");
    if (c.note) expect(note).toMatch(c.note);
    else expect(note).toBeNull();
  });

  it("links each request and response with WARC-Concurrent-To, with ids unique to the exchange", () => {
    const ids = new Set<string>();
    for (const { request, response } of run.written) {
      const requestId = request.field("WARC-Record-ID") ?? "";
      const responseId = response.field("WARC-Record-ID") ?? "";
      expect(requestId).toMatch(
        /^<urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}>$/,
      );
      expect(response.field("WARC-Concurrent-To")).toBe(requestId);
      expect(request.field("WARC-Concurrent-To")).toBe(responseId);
      ids.add(requestId).add(responseId);
    }
    expect(ids.size).toBe(2 * CASES.length);
  });

  it("writes a revisit as the HTTP head alone, referring to the first record of that payload", () => {
    const first = byId("x-01").response;
    const revisit = byId("x-06").response;
    expect(revisit.field("WARC-Profile")).toBe(
      "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest",
    );
    expect(revisit.field("WARC-Refers-To")).toBe(first.field("WARC-Record-ID"));
    expect(revisit.field("WARC-Refers-To-Target-URI")).toBe(
      "https://www.shop.example/checkout?step=2&b=1#summary",
    );
    expect(revisit.field("WARC-Refers-To-Date")).toBe(first.field("WARC-Date"));
    expect(revisit.field("WARC-Payload-Digest")).toBe(first.field("WARC-Payload-Digest"));
    expect(revisit.httpHead).toContain(`Content-Length: ${page.length}`);
  });

  it.each([
    [
      "x-01",
      "GET /checkout?step=2&b=1 HTTP/1.1",
      [
        "X-Archive-Orig-content-encoding: br",
        "X-Archive-Orig-content-length: 1234",
        `Content-Length: ${page.length}`,
      ],
    ],
    [
      "x-02",
      "POST /api/cart HTTP/1.1",
      ["X-Archive-Orig-transfer-encoding: chunked", `Content-Length: ${cartResponse.length}`],
    ],
    ["x-03", "GET /assets/app.css HTTP/1.1", ['etag: "v1"']],
  ] as const)(
    "%s: request line %s, and response headers describe the stored payload",
    (id, requestLine, headerLines) => {
      const { request, response } = byId(id);
      expect(request.httpHead.split("\r\n")[0]).toBe(requestLine);
      const lines = response.httpHead.split("\r\n");
      for (const line of headerLines) expect(lines).toContain(line);
      expect(
        lines.filter((l) => /^content-(encoding|length):/i.test(l) && !l.startsWith("Content-Length:")),
      ).toEqual([]);
      if (id === "x-03") expect(lines.some((l) => l.toLowerCase().startsWith("content-length"))).toBe(false);
    },
  );

  it("keeps the request body as the request record's payload", () => {
    const { request } = byId("x-02");
    expect(new TextDecoder().decode(request.payload)).toBe(new TextDecoder().decode(cartRequest));
    expect(request.httpHead).toContain(`content-length: ${cartRequest.length}`);
  });

  it("counts its size and places every response at the offset it reports", () => {
    let expected = run.warcinfo.length;
    for (const { start, out } of run.written) {
      expect(start).toBe(expected);
      expect(out.responseOffset + out.responseLength).toBe(start + out.bytes.length);
      expected += out.bytes.length;
    }
    expect(run.writer.size).toBe(expected);
  });

  it("gives identical bytes when the slice is written again", async () => {
    const again = await writeAll(inputs);
    expect(again.warcinfo).toEqual(run.warcinfo);
    for (const [i, w] of run.written.entries()) expect(again.written[i]?.out).toEqual(w.out);
  });

  it("starts the file with warcinfo and refuses it anywhere else", async () => {
    const info = readRecord(run.warcinfo);
    expect(info.field("WARC-Type")).toBe("warcinfo");
    expect(info.field("WARC-Filename")).toBe(FILE);
    expect(info.field("WARC-Block-Digest")).toBe(`sha256:${await hexSha256(info.block)}`);
    expect(new TextDecoder().decode(info.block)).toBe(
      "format: WARC File Format 1.1\r\nsoftware: Verbatim test\r\nisPartOf: export e-1\r\n",
    );
    await expect(run.writer.warcinfo({})).rejects.toThrow(/first record/);
  });

  it.each([
    [
      "x-01",
      "example,shop)/checkout?b=1&step=2",
      { url: "https://www.shop.example/checkout?step=2&b=1#summary", mime: "text/html", status: 200 },
    ],
    [
      "x-02",
      "example,shop)/api/cart?__wb_method=post&gift=false&note=null&quantity=2&sku=sku-7",
      { method: "POST", requestBody: "sku=SKU-7&quantity=2&gift=false&note=null", mime: "application/json" },
    ],
    ["x-03", "example,shop)/assets/app.css", { status: 304, mime: "unk" }],
    ["x-06", "example,shop)/checkout/copy", { mime: "warc/revisit", status: 200 }],
  ] as const)("%s: one CDXJ line keyed %s", async (id, key, fields) => {
    const { out, input } = byId(id);
    expect(out.cdxj).toHaveLength(1);
    const line = out.cdxj[0] ?? "";
    const [urlkey, timestamp] = line.split(" ", 2);
    const json: unknown = JSON.parse(line.slice(line.indexOf("{")));
    expect(urlkey).toBe(key);
    expect(timestamp).toBe(new Date(input.row.started_at).toISOString().replace(/[-:T]/g, "").slice(0, 14));
    expect(json).toMatchObject({
      ...fields,
      filename: FILE,
      offset: out.responseOffset,
      length: out.responseLength,
      digest: `sha256:${await hexSha256(input.responseBody ?? new Uint8Array(0))}`,
      recordDigest: `sha256:${await hexSha256(out.bytes.subarray(out.bytes.length - out.responseLength))}`,
    });
  });

  it("refuses overlapping calls, whose offsets would interleave", async () => {
    const writer = new WarcFileWriter(FILE);
    const [first, second] = inputs;
    if (!first || !second) throw new Error("no inputs");
    const pending = writer.exchange(first);
    await expect(writer.exchange(second)).rejects.toThrow(/before the previous call finished/);
    await pending;
    await expect(writer.exchange(second)).resolves.toMatchObject({ cdxj: [expect.any(String)] });
  });
});
