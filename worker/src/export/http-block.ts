import { utf8ToBytes } from "@noble/hashes/utils.js";
import { reasonPhrase } from "./status-reasons.ts";

/** Recorded headers, in order, as the exchanges table stores them: JSON `[[name, value], ...]`. */
export type HeaderList = ReadonlyArray<readonly [string, string]>;

/** Parses a stored header column, refusing anything but a list of [string, string] pairs. */
export function headerListOf(json: string, column: string): HeaderList {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    throw new Error(`export: ${column} is not JSON`);
  }
  if (!Array.isArray(parsed)) throw new Error(`export: ${column} is not a list of headers`);
  return parsed.map((pair: unknown, i) => {
    if (
      !Array.isArray(pair) ||
      pair.length !== 2 ||
      typeof pair[0] !== "string" ||
      typeof pair[1] !== "string"
    )
      throw new Error(`export: ${column}[${i}] is not a [name, value] pair`);
    return [pair[0], pair[1]] as const;
  });
}

export function headerValue(headers: HeaderList, name: string): string | null {
  const lower = name.toLowerCase();
  return headers.find(([n]) => n.toLowerCase() === lower)?.[1] ?? null;
}

/**
 * The stored body is decoded (no content coding, no chunking), so headers that describe the bytes on the
 * wire would misdescribe the archived payload: they keep their values under X-Archive-Orig- names, as
 * pywb and ArchiveWeb.page do, and Content-Length becomes the payload's length.
 */
const RENAMED_FOR_DECODED_BODY: ReadonlySet<string> = new Set(["content-encoding", "transfer-encoding"]);
const ORIG_PREFIX = "X-Archive-Orig-";

export function archivedHeaders(headers: HeaderList, payloadLength: number): HeaderList {
  const out: Array<readonly [string, string]> = [];
  let lengthWritten = false;
  for (const [name, value] of headers) {
    const lower = name.toLowerCase();
    if (RENAMED_FOR_DECODED_BODY.has(lower)) out.push([ORIG_PREFIX + name, value]);
    else if (lower === "content-length") {
      const same = value.trim() === String(payloadLength);
      if (!same) out.push([ORIG_PREFIX + name, value]);
      if (!lengthWritten) out.push(same ? [name, value] : ["Content-Length", String(payloadLength)]);
      lengthWritten = true;
    } else out.push([name, value]);
  }
  // An empty payload without a recorded length (a GET, a 304) gets none: "Content-Length: 0" on a 304
  // would claim the resource is empty (RFC 9110 §8.6).
  if (!lengthWritten && payloadLength > 0) out.push(["Content-Length", String(payloadLength)]);
  return out;
}

/** `GET /path?query HTTP/1.1` and the headers, ending with the empty line (RFC 9112 §3, §2.1). */
export function requestHead(method: string, url: string, headers: HeaderList): Uint8Array {
  return head(`${method} ${requestTarget(url)} HTTP/1.1`, headers);
}

/** `HTTP/1.1 200 OK` and the headers, ending with the empty line (RFC 9112 §4). */
export function responseHead(status: number, headers: HeaderList): Uint8Array {
  return head(`HTTP/1.1 ${status} ${reasonPhrase(status)}`, headers);
}

/** The origin-form request target (RFC 9112 §3.2.1): path and query, never the fragment. */
function requestTarget(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.pathname}${parsed.search}`;
  } catch {
    return url;
  }
}

function head(startLine: string, headers: HeaderList): Uint8Array {
  // Fetch's Headers cannot hold CR or LF, so recorded headers have none; an edited row that did would
  // otherwise break the record's framing instead of failing its digest check.
  const lines = [startLine, ...headers.map(([n, v]) => `${oneLine(n)}: ${oneLine(v)}`)];
  return utf8ToBytes(`${lines.join("\r\n")}\r\n\r\n`);
}

function oneLine(text: string): string {
  return text.replace(/[\r\n]+/g, " ");
}
