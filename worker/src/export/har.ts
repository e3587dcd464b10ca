import type { ExchangeRow } from "../record/rows.ts";
import { base64Of } from "./base64.ts";
import { headerListOf, headerValue, type HeaderList } from "./http-block.ts";
import { reasonPhrase } from "./status-reasons.ts";
import type { WarcExchangeInput } from "./warc-file.ts";

/**
 * A session as HAR 1.2 (W3C Web Performance WG draft, as browsers' devtools import it): one page per page
 * view, every exchange an entry under the page view that preceded it. Bodies are the stored (masked,
 * decoded) ones: text as text, anything else base64 with `encoding: "base64"`. Timings are what the
 * recorder measured at the edge: time to first byte as `wait`, the rest of the body as `receive`; the
 * phases it cannot see (DNS, connect, TLS, the browser's send) are -1 or 0 as the format asks.
 */
export type HarMeta = { creator: string; version: string };

type NameValue = { name: string; value: string };

/** Media types whose bodies are text even without a charset; other types are text only when `text/*`. */
const TEXT_TYPES: ReadonlySet<string> = new Set([
  "application/json",
  "application/ld+json",
  "application/manifest+json",
  "application/javascript",
  "application/ecmascript",
  "application/x-javascript",
  "application/xml",
  "application/xhtml+xml",
  "application/rss+xml",
  "application/atom+xml",
  "application/x-www-form-urlencoded",
  "image/svg+xml",
]);

export function harOf(exchanges: readonly WarcExchangeInput[], meta: HarMeta): object {
  const ordered = [...exchanges].sort(
    (a, b) => a.row.started_at - b.row.started_at || cmp(a.row.id, b.row.id),
  );
  const pages: object[] = [];
  const entries: object[] = [];
  let pageref: string | null = null;
  for (const exchange of ordered) {
    const { row } = exchange;
    if (row.page_view === 1) {
      pageref = row.id;
      pages.push({
        startedDateTime: iso(row.started_at),
        id: row.id,
        title: row.url,
        pageTimings: { onContentLoad: -1, onLoad: -1 },
      });
    }
    entries.push(entryOf(exchange, pageref));
  }
  return { log: { version: "1.2", creator: { name: meta.creator, version: meta.version }, pages, entries } };
}

function entryOf({ row, requestBody, responseBody }: WarcExchangeInput, pageref: string | null): object {
  const requestHeaders = headerListOf(row.request_headers, `exchange ${row.id} request_headers`);
  const responseHeaders = headerListOf(row.response_headers, `exchange ${row.id} response_headers`);
  const total = Math.max(0, row.total_ms ?? row.ttfb_ms ?? 0);
  const wait = Math.min(total, Math.max(0, row.ttfb_ms ?? total));
  const requestType = headerValue(requestHeaders, "content-type");
  return {
    ...(pageref !== null ? { pageref } : {}),
    startedDateTime: iso(row.started_at),
    time: total,
    request: {
      method: row.method,
      url: row.url,
      httpVersion: "HTTP/1.1",
      cookies: [],
      headers: nameValues(requestHeaders),
      queryString: queryOf(row.url),
      ...(requestBody && requestBody.length > 0 ? { postData: postDataOf(requestBody, requestType) } : {}),
      headersSize: -1,
      bodySize: requestBody?.length ?? row.request_body_size ?? 0,
    },
    response: {
      status: row.status,
      statusText: reasonPhrase(row.status),
      httpVersion: "HTTP/1.1",
      cookies: [],
      headers: nameValues(responseHeaders),
      content: contentOf(row, responseBody, headerValue(responseHeaders, "content-type")),
      redirectURL: headerValue(responseHeaders, "location") ?? "",
      headersSize: -1,
      bodySize: responseBody?.length ?? -1,
    },
    cache: {},
    timings: { blocked: -1, dns: -1, connect: -1, ssl: -1, send: 0, wait, receive: total - wait },
    _verbatimExchange: row.id,
  };
}

function contentOf(row: ExchangeRow, body: Uint8Array | null, contentType: string | null): object {
  const mimeType = contentType ?? "";
  const note =
    body === null
      ? (row.response_body_note ?? (row.response_body_digest ? "body not in storage" : null))
      : null;
  const common = {
    size: body?.length ?? row.response_body_size ?? 0,
    mimeType,
    ...(note ? { comment: note } : {}),
  };
  if (body === null || body.length === 0) return common;
  const text = isText(contentType) ? utf8(body) : null;
  return text !== null ? { ...common, text } : { ...common, text: base64Of(body), encoding: "base64" };
}

/** HAR 1.2's postData has text only; a body that is not text goes as base64, and its comment says so. */
function postDataOf(body: Uint8Array, contentType: string | null): object {
  const mimeType = contentType ?? "application/octet-stream";
  const text = isText(contentType) ? utf8(body) : null;
  return text !== null ? { mimeType, text } : { mimeType, text: base64Of(body), comment: "text is base64" };
}

function isText(contentType: string | null): boolean {
  if (contentType === null) return false;
  const bare = contentType.split(";", 1)[0]?.trim().toLowerCase() ?? "";
  return bare.startsWith("text/") || TEXT_TYPES.has(bare) || bare.endsWith("+json") || bare.endsWith("+xml");
}

/** The body as text when it is valid UTF-8; null otherwise (it then goes as base64, byte for byte). */
function utf8(body: Uint8Array): string | null {
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(body);
  } catch {
    return null;
  }
}

function nameValues(headers: HeaderList): NameValue[] {
  return headers.map(([name, value]) => ({ name, value }));
}

function queryOf(url: string): NameValue[] {
  try {
    return [...new URL(url).searchParams].map(([name, value]) => ({ name, value }));
  } catch {
    return [];
  }
}

function iso(epochMs: number): string {
  return new Date(epochMs).toISOString();
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
