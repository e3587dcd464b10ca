/**
 * The preset dictionary (RFC 1951 §3.2.7 via zlib's FDICT, RFC 1950 §2.2) chunks are deflated with.
 *
 * A chunk holds a few records (a page view's exchanges), each repeating the record's keys, the usual header
 * names and the escaped JSON around them: on a chunk of three records that boilerplate is most of the bytes
 * and plain gzip cannot share it between chunks. Starting every chunk from this dictionary halves the
 * segments (measured on the demo shop; the strings below are generic HTTP and record vocabulary, not the
 * shop's).
 *
 * FROZEN: segments written with it can only be read with the same bytes. A new dictionary gets a new
 * version (CHUNK_DICTIONARY_V2, and a new segment key suffix in segment.ts); never edit this one.
 */
const REQUEST_HEADERS: ReadonlyArray<readonly [string, string]> = [
  ["accept", "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"],
  ["accept", "application/json, text/plain, */*"],
  ["accept", "image/avif,image/webp,image/apng,image/svg+xml,image/*,*/*;q=0.8"],
  ["accept", "text/css,*/*;q=0.1"],
  ["accept-encoding", "gzip, deflate, br, zstd"],
  ["accept-language", "en-US,en;q=0.9"],
  ["cache-control", "no-cache"],
  ["connection", "keep-alive"],
  ["content-type", "application/x-www-form-urlencoded"],
  ["content-type", "application/json"],
  ["cookie", "[REDACTED]"],
  ["if-modified-since", ""],
  ["if-none-match", ""],
  ["origin", "https://"],
  ["pragma", "no-cache"],
  ["priority", "u=0, i"],
  ["referer", "https://"],
  ["sec-ch-ua", '"Chromium";v="142", "Google Chrome";v="142", "Not_A Brand";v="99"'],
  ["sec-ch-ua-mobile", "?0"],
  ["sec-ch-ua-platform", '"Windows"'],
  ["sec-fetch-dest", "document"],
  ["sec-fetch-dest", "empty"],
  ["sec-fetch-dest", "script"],
  ["sec-fetch-dest", "style"],
  ["sec-fetch-dest", "image"],
  ["sec-fetch-mode", "navigate"],
  ["sec-fetch-mode", "cors"],
  ["sec-fetch-mode", "no-cors"],
  ["sec-fetch-site", "same-origin"],
  ["sec-fetch-site", "none"],
  ["sec-fetch-user", "?1"],
  ["upgrade-insecure-requests", "1"],
  [
    "user-agent",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36",
  ],
  [
    "user-agent",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko)",
  ],
  ["user-agent", "Mozilla/5.0 (X11; Linux x86_64; rv:145.0) Gecko/20100101 Firefox/145.0"],
  ["x-forwarded-for", ""],
  ["x-forwarded-proto", "https"],
  ["x-real-ip", ""],
];

const RESPONSE_HEADERS: ReadonlyArray<readonly [string, string]> = [
  ["accept-ranges", "bytes"],
  ["access-control-allow-origin", "*"],
  ["age", "0"],
  ["cache-control", "no-store, no-cache, must-revalidate"],
  ["cache-control", "private, no-cache"],
  ["cache-control", "public, max-age=31536000, immutable"],
  ["cache-control", "public, max-age=3600"],
  ["cf-cache-status", "DYNAMIC"],
  ["connection", "keep-alive"],
  ["content-encoding", "gzip"],
  ["content-encoding", "br"],
  ["content-length", ""],
  ["content-security-policy", "default-src 'self'"],
  ["content-type", "text/html; charset=utf-8"],
  ["content-type", "application/json; charset=utf-8"],
  ["content-type", "text/css; charset=utf-8"],
  ["content-type", "application/javascript; charset=utf-8"],
  ["content-type", "image/png"],
  ["content-type", "image/svg+xml"],
  ["content-type", "font/woff2"],
  ["date", "Mon, 01 Jan 2026 00:00:00 GMT"],
  ["etag", 'W/"'],
  ["expires", "0"],
  ["keep-alive", "timeout=5"],
  ["last-modified", "Mon, 01 Jan 2026 00:00:00 GMT"],
  ["location", "/"],
  ["referrer-policy", "strict-origin-when-cross-origin"],
  ["server", "nginx"],
  ["set-cookie", "[REDACTED]; Path=/; HttpOnly; Secure; SameSite=Lax"],
  ["strict-transport-security", "max-age=31536000; includeSubDomains"],
  ["transfer-encoding", "chunked"],
  ["vary", "Accept-Encoding"],
  ["x-content-type-options", "nosniff"],
  ["x-frame-options", "SAMEORIGIN"],
  ["x-powered-by", "PHP/8.2"],
];

const CONTEXT = {
  userAgent: null,
  device: "desktop",
  acceptLanguage: null,
  country: null,
  region: null,
  city: null,
  postalCode: null,
  timezone: null,
  clientNetwork: null,
};

/** A record with every key in the order the recorder writes it (record/build-record.ts). */
const RECORD = {
  v: 1,
  exchange: {
    id: "",
    session_id: "",
    day: "2026-01-01",
    started_at: 0,
    ttfb_ms: 0,
    total_ms: 0,
    method: "GET",
    url: "https://",
    status: 200,
    content_type: "text/html; charset=utf-8",
    content_class: "html",
    page_view: 1,
    request_headers: "",
    response_headers: "",
    request_body_digest: null,
    request_body_size: null,
    request_body_note: null,
    response_body_digest: "",
    response_body_size: 0,
    response_body_note: null,
    validator: null,
    revalidated_digest: null,
    context: JSON.stringify(CONTEXT),
    error: null,
    mask_policy: "",
    mask_report: "[]",
    record_hash: "",
  },
  session: {
    id: "",
    first_seen: 0,
    last_seen: 0,
    host: "",
    user_agent: null,
    device: "desktop",
    country: null,
    client_network: null,
  },
  keys: [{ key_hash: "", session_id: "", cookie_name: "", first_seen: 0 }],
  customers: [{ customer_token: "[hash:", session_id: "", first_seen: 0 }],
  blobs: [{ digest: "", size: 0, stored_size: 0, encoding: "gzip", first_seen: 0 }],
};

/** Header lists as they appear inside a record: JSON in a JSON string (quotes escaped). */
function asRecordString(pairs: ReadonlyArray<readonly [string, string]>): string {
  return JSON.stringify(JSON.stringify(pairs)).slice(1, -1);
}

// Deflate looks back from the end of the dictionary: the most common strings go last.
export const CHUNK_DICTIONARY_V1: Uint8Array = new TextEncoder().encode(
  [
    asRecordString(RESPONSE_HEADERS),
    asRecordString(REQUEST_HEADERS),
    '{"v":2,"session_id":"","records":[',
    JSON.stringify(RECORD),
  ].join(""),
);
