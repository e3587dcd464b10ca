import { gzipSync } from "fflate";
import { beforeAll, describe, expect, it } from "vitest";
import { harOf } from "../../worker/src/export/har.ts";
import type { WarcExchangeInput } from "../../worker/src/export/warc-file.ts";
import { exchangeInput, utf8, type ExchangeSpec } from "./exchange-fixtures.ts";

type Entry = {
  pageref?: string;
  startedDateTime: string;
  time: number;
  request: {
    method: string;
    queryString: Array<{ name: string; value: string }>;
    postData?: { mimeType: string; text: string; comment?: string };
    bodySize: number;
  };
  response: {
    status: number;
    statusText: string;
    redirectURL: string;
    bodySize: number;
    content: { size: number; mimeType: string; text?: string; encoding?: string; comment?: string };
  };
  timings: { send: number; wait: number; receive: number };
  _verbatimExchange: string;
};
type Har = {
  log: {
    version: string;
    creator: { name: string; version: string };
    pages: Array<{ id: string; startedDateTime: string; title: string }>;
    entries: Entry[];
  };
};

const T0 = Date.UTC(2026, 2, 14, 9, 0, 0, 0);
const binary = gzipSync(utf8("not text ".repeat(50)), { mtime: 0 });
const latin1Text = new Uint8Array([0x63, 0x61, 0x66, 0xe9]); // "café" in Latin-1: not valid UTF-8

const SPECS: ExchangeSpec[] = [
  // Given out of order: the HAR is in time order whatever order the job reads rows in.
  {
    id: "h-3",
    url: "https://shop.example/logo.webp",
    startedAt: T0 + 300,
    responseHeaders: [["content-type", "image/webp"]],
    responseBody: binary,
    ttfbMs: 5,
    totalMs: 9,
  },
  {
    id: "h-1",
    url: "https://shop.example/?ref=mail&utm=x",
    startedAt: T0,
    pageView: true,
    responseHeaders: [["content-type", "text/html; charset=utf-8"]],
    responseBody: utf8("<p>Hello</p>"),
    ttfbMs: 40,
    totalMs: 52,
  },
  {
    id: "h-2",
    url: "https://shop.example/api/cart",
    method: "POST",
    startedAt: T0 + 200,
    requestHeaders: [["content-type", "application/json"]],
    requestBody: utf8('{"sku":"A"}'),
    responseHeaders: [["content-type", "application/problem+json"]],
    responseBody: utf8('{"title":"out of stock"}'),
    status: 409,
    totalMs: 30,
  },
  {
    id: "h-4",
    url: "https://shop.example/old",
    startedAt: T0 + 400,
    status: 301,
    responseHeaders: [["location", "/new"]],
    ttfbMs: 3,
    totalMs: 3,
  },
  {
    id: "h-5",
    url: "https://shop.example/new",
    startedAt: T0 + 500,
    pageView: true,
    responseHeaders: [["content-type", "text/plain"]],
    responseBody: latin1Text,
  },
  {
    id: "h-6",
    url: "https://shop.example/upload",
    method: "PUT",
    startedAt: T0 + 600,
    requestHeaders: [["content-type", "image/webp"]],
    requestBody: binary,
    responseHeaders: [],
    responseNote: "body over the 8 MB limit: not stored",
  },
];

let har: Har;
beforeAll(async () => {
  const inputs: WarcExchangeInput[] = await Promise.all(SPECS.map(exchangeInput));
  // The fixture cannot express a null TTFB through its defaults: set it on the row as the recorder would.
  const h2 = inputs.find((i) => i.row.id === "h-2");
  if (h2) h2.row.ttfb_ms = null;
  har = harOf(inputs, { creator: "Verbatim", version: "0.1.0" }) as Har;
});

const entry = (id: string): Entry => {
  const found = har.log.entries.find((e) => e._verbatimExchange === id);
  if (!found) throw new Error(`no entry ${id}`);
  return found;
};

describe("harOf", () => {
  it("is HAR 1.2 from the given creator, entries in time order, each under the page view before it", () => {
    expect(har.log.version).toBe("1.2");
    expect(har.log.creator).toEqual({ name: "Verbatim", version: "0.1.0" });
    expect(har.log.pages.map((p) => [p.id, p.startedDateTime, p.title])).toEqual([
      ["h-1", "2026-03-14T09:00:00.000Z", "https://shop.example/?ref=mail&utm=x"],
      ["h-5", "2026-03-14T09:00:00.500Z", "https://shop.example/new"],
    ]);
    expect(har.log.entries.map((e) => [e._verbatimExchange, e.pageref])).toEqual([
      ["h-1", "h-1"],
      ["h-2", "h-1"],
      ["h-3", "h-1"],
      ["h-4", "h-1"],
      ["h-5", "h-5"],
      ["h-6", "h-5"],
    ]);
  });

  it.each([
    ["h-1", { size: 12, mimeType: "text/html; charset=utf-8", text: "<p>Hello</p>" }],
    ["h-2", { size: 24, mimeType: "application/problem+json", text: '{"title":"out of stock"}' }],
    [
      "h-3",
      {
        size: binary.length,
        mimeType: "image/webp",
        encoding: "base64",
        text: btoa(String.fromCharCode(...binary)),
      },
    ],
    ["h-4", { size: 0, mimeType: "" }],
    ["h-5", { size: 4, mimeType: "text/plain", encoding: "base64", text: "Y2Fm6Q==" }],
    ["h-6", { size: 9_000_000, mimeType: "", comment: "body over the 8 MB limit: not stored" }],
  ])("%s: response content %j", (id, content) => {
    expect(entry(id).response.content).toEqual(content);
  });

  it.each([
    ["h-1", { time: 52, timings: { send: 0, wait: 40, receive: 12 } }],
    ["h-2", { time: 30, timings: { send: 0, wait: 30, receive: 0 } }],
    ["h-4", { time: 3, timings: { send: 0, wait: 3, receive: 0 } }],
  ])("%s: timings from the recorded TTFB and total %j", (id, expected) => {
    const e = entry(id);
    expect({
      time: e.time,
      timings: { send: e.timings.send, wait: e.timings.wait, receive: e.timings.receive },
    }).toEqual(expected);
  });

  it("keeps request bodies, queries, statuses and redirects", () => {
    expect(entry("h-1").request.queryString).toEqual([
      { name: "ref", value: "mail" },
      { name: "utm", value: "x" },
    ]);
    expect(entry("h-2").request.postData).toEqual({ mimeType: "application/json", text: '{"sku":"A"}' });
    expect(entry("h-6").request.postData).toEqual({
      mimeType: "image/webp",
      text: btoa(String.fromCharCode(...binary)),
      comment: "text is base64",
    });
    expect(entry("h-2").response).toMatchObject({ status: 409, statusText: "Conflict" });
    expect(entry("h-4").response).toMatchObject({
      status: 301,
      statusText: "Moved Permanently",
      redirectURL: "/new",
    });
    expect(entry("h-1").request.postData).toBeUndefined();
  });
});
