import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import type { ExchangeRow } from "../../../worker/src/record/rows.ts";
import { recordHash, sha256Hex } from "../../../worker/src/snapshot/record-hash.ts";

/**
 * A visit to a shop as the recorder would have stored it: rows shaped as the exchanges table holds them
 * (masked headers as JSON pairs, context, masking manifest) and bodies that are real files from
 * node_modules (an HTML page, a JavaScript bundle, a JSON document, a PNG), so the WARC records carry real
 * content types and sizes. One body repeats early on (a revisit in the same WARC even in a five-exchange
 * slice), one request has a body (a POST), one body was not stored (too large), one answer is a 304
 * without a body.
 */
export type FixtureExchange = {
  row: ExchangeRow;
  requestBody: Uint8Array | null;
  responseBody: Uint8Array | null;
};

const ROOT = resolve(import.meta.dirname, "../../..");
const FILES = {
  html: "node_modules/playwright-core/lib/vite/traceViewer/index.html",
  js: "node_modules/hono/dist/index.js",
  json: "node_modules/hono/package.json",
  png: "node_modules/pino/pino-banner.png",
} as const;

type Spec = {
  method: string;
  path: string;
  status: number;
  type: string | null;
  body: keyof typeof FILES | "cart" | null;
  pageView?: boolean;
  note?: string;
  requestBody?: string;
  extraHeaders?: Array<[string, string]>;
};

const VISIT: readonly Spec[] = [
  {
    method: "GET",
    path: "/",
    status: 200,
    type: "text/html; charset=utf-8",
    body: "html",
    pageView: true,
    extraHeaders: [["content-encoding", "br"]],
  },
  { method: "GET", path: "/assets/app.js", status: 200, type: "application/javascript", body: "js" },
  {
    method: "GET",
    path: "/api/products?sort=price&page=2",
    status: 200,
    type: "application/json",
    body: "json",
  },
  { method: "GET", path: "/assets/app.js?v=2", status: 200, type: "application/javascript", body: "js" },
  { method: "GET", path: "/img/banner.png", status: 200, type: "image/png", body: "png" },
  {
    method: "POST",
    path: "/api/cart",
    status: 201,
    type: "application/json",
    body: "cart",
    requestBody: '{"sku":"TEA-042","qty":2}',
  },
  {
    method: "GET",
    path: "/checkout",
    status: 200,
    type: "text/html; charset=utf-8",
    body: "html",
    pageView: true,
  },
  {
    method: "GET",
    path: "/downloads/catalogue.pdf",
    status: 200,
    type: "application/pdf",
    body: null,
    note: "too large: 48,211,337 bytes, limit 10,485,760",
  },
  { method: "GET", path: "/", status: 304, type: null, body: null, pageView: true },
];

const DAY_START = Date.UTC(2025, 2, 14, 9, 30, 0);
const CART = new TextEncoder().encode('{"cart":{"items":[{"sku":"TEA-042","qty":2}],"total":"18.40"}}');

async function bodyOf(name: Spec["body"]): Promise<Uint8Array | null> {
  if (name === null) return null;
  if (name === "cart") return CART;
  return new Uint8Array(await readFile(resolve(ROOT, FILES[name])));
}

/** The visit, `count` exchanges long (the nine above, repeated with later times and fresh ids). */
export async function shopVisit(count = VISIT.length): Promise<FixtureExchange[]> {
  const out: FixtureExchange[] = [];
  for (let i = 0; i < count; i++) {
    const spec = VISIT[i % VISIT.length];
    if (!spec) throw new Error("unreachable: the visit is not empty");
    const responseBody = await bodyOf(spec.body);
    const requestBody = spec.requestBody === undefined ? null : new TextEncoder().encode(spec.requestBody);
    const startedAt = DAY_START + i * 1_250 + 17;
    const requestHeaders: Array<[string, string]> = [
      ["host", "shop.example"],
      [
        "user-agent",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 Version/17.4 Safari/605.1.15",
      ],
      ["accept-language", "en-GB,en;q=0.9"],
      ["cookie", "session=[MASKED:cookie-value]"],
      ...(requestBody
        ? ([
            ["content-type", "application/json"],
            ["content-length", String(requestBody.length)],
          ] as Array<[string, string]>)
        : []),
      ...(spec.status === 304 ? ([["if-none-match", '"v1-home"']] as Array<[string, string]>) : []),
    ];
    const responseHeaders: Array<[string, string]> = [
      ...(spec.type ? ([["content-type", spec.type]] as Array<[string, string]>) : []),
      ["cache-control", "private, max-age=60"],
      ["etag", '"v1-home"'],
      ...(spec.extraHeaders ?? []),
      ...(spec.pageView
        ? ([["set-cookie", "session=[MASKED:cookie-value]; Path=/; HttpOnly; Secure"]] as Array<
            [string, string]
          >)
        : []),
    ];
    const row: Omit<ExchangeRow, "record_hash"> = {
      id: `ex-${String(i + 1).padStart(4, "0")}-${(startedAt % 9973).toString(36)}`,
      session_id: "sess-7f3a9c",
      day: "2025-03-14",
      started_at: startedAt,
      ttfb_ms: 40 + (i % 7) * 3,
      total_ms: 55 + (i % 5) * 11,
      method: spec.method,
      url: `https://shop.example${spec.path}`,
      status: spec.status,
      content_type: spec.type,
      content_class: spec.type?.startsWith("text/html")
        ? "document"
        : spec.type === "image/png"
          ? "image"
          : "data",
      page_view: spec.pageView ? 1 : 0,
      request_headers: JSON.stringify(requestHeaders),
      response_headers: JSON.stringify(responseHeaders),
      request_body_digest: requestBody ? await sha256Hex(requestBody) : null,
      request_body_size: requestBody ? requestBody.length : null,
      request_body_note: null,
      response_body_digest: responseBody ? await sha256Hex(responseBody) : null,
      response_body_size: responseBody ? responseBody.length : spec.note ? 48_211_337 : null,
      response_body_note: spec.note ?? null,
      validator: spec.status === 304 ? '"v1-home"' : null,
      revalidated_digest: null,
      context: JSON.stringify({
        userAgent: "Safari 17",
        device: "desktop",
        acceptLanguage: "en-GB",
        country: "GB",
        region: null,
        city: null,
        postalCode: null,
        timezone: "Europe/London",
        clientNetwork: "203.0.113.0/24",
      }),
      error: null,
      mask_policy: "default@3",
      mask_report: JSON.stringify(
        spec.pageView ? [{ where: "response header set-cookie", rule: "cookie-value", count: 1 }] : [],
      ),
    };
    out.push({ row: { ...row, record_hash: await recordHash(row) }, requestBody, responseBody });
  }
  return out;
}
