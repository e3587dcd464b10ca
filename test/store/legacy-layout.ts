import { sha256 } from "@noble/hashes/sha2.js";
import type { ExchangeRow } from "../../worker/src/record/rows.ts";
import { PER_REQUEST_HEADERS } from "../../worker/src/store/exchange-layout.ts";

/**
 * The layout the recorder wrote before the compact index (migrations/0004, up to 0006), kept here to write
 * legacy rows in tests: readers still read them through the `exchanges` view.
 *
 * How a logical exchange record (ExchangeRow: what record_hash covers and what readers see through the
 * `exchanges` view) is laid out in D1 (migrations/0004): the request headers and the request context are
 * stored once in record_parts and referred to by hash; per-request trace headers stay with the exchange so
 * that the shared part keeps repeating; an empty masking report is NULL.
 */
/** Response headers whose values change with every response; the rest of a header list repeats. */
export const VOLATILE_RESPONSE_HEADERS: ReadonlySet<string> = new Set([
  "date",
  "age",
  "expires",
  "cf-ray",
  "x-request-id",
  "server-timing",
]);
/** The `exchanges` view puts back at most this many volatile values (migrations/0004). */
const MAX_VOLATILE = 2;

export type RecordPart = { digest: string; body: string };

export type ExchangeLogRow = Omit<
  ExchangeRow,
  "day" | "request_headers" | "response_headers" | "context" | "mask_report"
> & {
  request_headers_ref: string;
  request_headers_tail: string | null;
  response_headers_ref: string | null;
  response_volatile: string | null;
  response_headers: string | null;
  context_ref: string;
  mask_report: string | null;
};

function partOf(body: string): RecordPart {
  const hash = sha256(new TextEncoder().encode(body));
  let hex = "";
  for (const byte of hash.subarray(0, 16)) hex += byte.toString(16).padStart(2, "0");
  return { digest: hex, body };
}

/** Splits a logical row (request headers already in orderRequestHeaders order) into its stored form. */
export function layOut(row: ExchangeRow): { log: ExchangeLogRow; parts: RecordPart[] } {
  const headers = JSON.parse(row.request_headers) as Array<[string, string]>;
  const shared = headers.filter(([name]) => !PER_REQUEST_HEADERS.has(name));
  const tail = headers.slice(shared.length);
  const requestPart = partOf(JSON.stringify(shared));
  const contextPart = partOf(row.context);
  const response = layOutResponseHeaders(row.response_headers);
  const { day: _day, request_headers: _rq, response_headers: _rs, context: _cx, mask_report, ...rest } = row;
  return {
    log: {
      ...rest,
      request_headers_ref: requestPart.digest,
      request_headers_tail: tail.length > 0 ? JSON.stringify(tail) : null,
      response_headers_ref: response.part?.digest ?? null,
      response_volatile: response.volatile,
      response_headers: response.inline,
      context_ref: contextPart.digest,
      mask_report: mask_report === "[]" ? null : mask_report,
    },
    parts: response.part ? [requestPart, response.part, contextPart] : [requestPart, contextPart],
  };
}

/** Response headers as a shared part with volatile values blanked, plus those values; inline if too many. */
function layOutResponseHeaders(json: string): {
  part: RecordPart | null;
  volatile: string | null;
  inline: string | null;
} {
  const headers = JSON.parse(json) as Array<[string, string]>;
  const volatile: Array<[number, string]> = [];
  const blanked = headers.map(([name, value], index): [string, string] => {
    if (!VOLATILE_RESPONSE_HEADERS.has(name)) return [name, value];
    volatile.push([index, value]);
    return [name, ""];
  });
  if (volatile.length > MAX_VOLATILE) return { part: null, volatile: null, inline: json };
  return {
    part: partOf(JSON.stringify(blanked)),
    volatile: volatile.length > 0 ? JSON.stringify(volatile) : null,
    inline: null,
  };
}
