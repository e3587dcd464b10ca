import { headerDifference, storedHeaders } from "./archived-headers.ts";
import type { WarcRecordInfo } from "./warc-check.ts";

/**
 * Does the WARC say what the evidence record says? The record is what the log commits to (its hash is a
 * leaf); the WARC is what a replay tool reads. These comparisons bind the two, so a WARC edited and
 * re-hashed by someone holding no log key still fails: same exchange, URL, WARC-Date (the start), method,
 * request target and status, the recorded headers (archived-headers.ts), and payload digests equal to the
 * record's body digests (docs/evidence.md §2 "WARC records"). Each entry is a field, how to read it from
 * each side, and the name the failure gives it.
 */
export type EvidenceRecord = { readonly [column: string]: unknown };

/** SHA-256 of no bytes: the payload a record without a stored body has in the WARC. */
const EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

type Comparison = {
  what: string;
  record: (r: EvidenceRecord) => unknown;
  warc: (w: WarcRecordInfo) => unknown;
};

/** WARC-Date is when the exchange started, to the millisecond (WARC 1.1 §5.4 allows the fraction). */
function startedAt(r: EvidenceRecord): unknown {
  const ms = r["started_at"];
  return typeof ms === "number" && Number.isFinite(ms) ? new Date(ms).toISOString() : ms;
}

const RESPONSE_FIELDS: readonly Comparison[] = [
  { what: "exchange id", record: (r) => r["id"], warc: (w) => w.exchange },
  { what: "URL", record: (r) => r["url"], warc: (w) => w.targetUri },
  { what: "WARC-Date", record: startedAt, warc: (w) => w.date },
  { what: "status", record: (r) => r["status"], warc: (w) => w.head?.status },
  {
    what: "response payload digest",
    record: (r) => r["response_body_digest"] ?? EMPTY_SHA256,
    warc: (w) => w.payloadDigest,
  },
];

const REQUEST_FIELDS: readonly Comparison[] = [
  { what: "exchange id", record: (r) => r["id"], warc: (w) => w.exchange },
  { what: "URL", record: (r) => r["url"], warc: (w) => w.targetUri },
  { what: "WARC-Date", record: startedAt, warc: (w) => w.date },
  { what: "method", record: (r) => r["method"], warc: (w) => w.head?.method },
  { what: "request target", record: (r) => requestTarget(r["url"]), warc: (w) => w.head?.target },
  {
    what: "request payload digest",
    record: (r) => r["request_body_digest"] ?? EMPTY_SHA256,
    warc: (w) => w.payloadDigest,
  },
];

/** The first field that differs, as `<what>: evidence says …, the WARC record says …`; null when all agree. */
export function firstDifference(
  record: EvidenceRecord,
  response: WarcRecordInfo,
  request: WarcRecordInfo | undefined,
): string | null {
  for (const field of RESPONSE_FIELDS) {
    const difference = compare(field, record, response, `WARC ${response.type} record ${response.number}`);
    if (difference) return difference;
  }
  const responseHeaders = headers(record, "response_headers", response);
  if (responseHeaders) return `response ${responseHeaders}`;
  if (!request)
    return `WARC has no request record for the exchange before its ${response.type} record ${response.number}`;
  if (!response.concurrentTo.includes(request.id)) {
    return `WARC ${response.type} record ${response.number} is not WARC-Concurrent-To its request record ${request.number}`;
  }
  for (const field of REQUEST_FIELDS) {
    const difference = compare(field, record, request, `WARC request record ${request.number}`);
    if (difference) return difference;
  }
  const requestHeaders = headers(record, "request_headers", request);
  return requestHeaders ? `request ${requestHeaders}` : null;
}

function headers(record: EvidenceRecord, column: string, warc: WarcRecordInfo): string | null {
  const recorded = storedHeaders(record[column]);
  if (!recorded) return `headers: the evidence record's ${column} is not a list of [name, value] pairs`;
  const where = `(WARC ${warc.type} record ${warc.number})`;
  // A revisit's head describes the earlier payload it refers to, so its length is not this record's.
  const length = warc.type === "revisit" ? null : warc.payloadLength;
  const difference = headerDifference(recorded, warc.head?.headers ?? [], length);
  return difference ? `headers ${where}: ${difference}` : null;
}

/** The origin-form request target (RFC 9112 §3.2.1) of the recorded URL: path and query. */
function requestTarget(url: unknown): string | undefined {
  if (typeof url !== "string") return undefined;
  try {
    const parsed = new URL(url);
    return `${parsed.pathname}${parsed.search}`;
  } catch {
    return url;
  }
}

/**
 * The export writer leaves a payload empty, with this note, when a body the record names was not in
 * storage at export time (worker/src/export/warc-file.ts). The export then cannot show that body, which
 * is a failure, but a different one from a changed body, and the report says which.
 */
const NOT_IN_STORAGE = /^body sha256:([0-9a-f]{64}) was not in storage at export$/;

function compare(
  field: Comparison,
  record: EvidenceRecord,
  warc: WarcRecordInfo,
  where: string,
): string | null {
  const expected = field.record(record);
  const actual = field.warc(warc);
  if (expected === actual) return null;
  const missing = NOT_IN_STORAGE.exec(warc.bodyNote ?? "")?.[1];
  if (field.what.endsWith("payload digest") && missing === expected && warc.payloadLength === 0) {
    const body = field.what.replace(" payload digest", " body");
    return `${body} sha256:${missing} is not in the export: it was missing from storage when the export was made (${where} says so in WARC-Verbatim-Body-Note)`;
  }
  return `${field.what}: the evidence record says ${JSON.stringify(expected)}, ${where} says ${JSON.stringify(actual ?? null)}`;
}
