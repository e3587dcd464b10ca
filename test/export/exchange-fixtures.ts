import type { ExchangeRow } from "../../worker/src/record/rows.ts";
import type { WarcExchangeInput } from "../../worker/src/export/warc-file.ts";

/**
 * Exchange rows shaped as the recorder writes them (worker/src/record/build-record.ts): headers as JSON
 * pairs in recorded order, body digests as plain hex, notes where a body was not kept. Shared by the
 * workerd suites and the Node reader suite; `bodies` are the stored (decoded, masked) bytes.
 */
const BROWSER_REQUEST: Array<[string, string]> = [
  ["host", "shop.example"],
  [
    "user-agent",
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36",
  ],
  ["accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"],
  ["accept-language", "en-GB,en;q=0.9"],
  ["accept-encoding", "gzip, br"],
  ["cookie", "session=[MASKED]"],
];

export async function hexSha256(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}

export type ExchangeSpec = {
  id: string;
  url: string;
  method?: string;
  status?: number;
  startedAt: number;
  pageView?: boolean;
  requestHeaders?: Array<[string, string]>;
  responseHeaders: Array<[string, string]>;
  requestBody?: Uint8Array | null;
  responseBody?: Uint8Array | null;
  /** The body existed but was not stored: the recorder's note. */
  responseNote?: string;
  /** The row names a stored body that the export could not read. */
  responseMissing?: boolean;
  ttfbMs?: number;
  totalMs?: number;
};

export async function exchangeInput(spec: ExchangeSpec): Promise<WarcExchangeInput> {
  const requestBody = spec.requestBody ?? null;
  const responseBody = spec.responseBody ?? null;
  const responseDigest = responseBody
    ? await hexSha256(responseBody)
    : spec.responseMissing
      ? "ab".repeat(32)
      : null;
  const row: ExchangeRow = {
    id: spec.id,
    session_id: "s-0001",
    day: new Date(spec.startedAt).toISOString().slice(0, 10),
    started_at: spec.startedAt,
    ttfb_ms: spec.ttfbMs ?? 42,
    total_ms: spec.totalMs ?? 57,
    method: spec.method ?? "GET",
    url: spec.url,
    status: spec.status ?? 200,
    content_type: spec.responseHeaders.find(([n]) => n === "content-type")?.[1] ?? null,
    content_class: "document",
    page_view: spec.pageView ? 1 : 0,
    request_headers: JSON.stringify(spec.requestHeaders ?? BROWSER_REQUEST),
    response_headers: JSON.stringify(spec.responseHeaders),
    request_body_digest: requestBody ? await hexSha256(requestBody) : null,
    request_body_size: requestBody ? requestBody.length : null,
    request_body_note: null,
    response_body_digest: responseDigest,
    response_body_size: responseBody ? responseBody.length : spec.responseNote ? 9_000_000 : null,
    response_body_note: spec.responseNote ?? null,
    validator: null,
    revalidated_digest: null,
    context: JSON.stringify({ userAgent: "Mozilla/5.0", device: "desktop", country: "GB" }),
    error: null,
    mask_policy: "default@1",
    mask_report: "[]",
    record_hash: "00".repeat(32),
  };
  return { row, requestBody, responseBody };
}

export const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);
