/**
 * The HTTP headers a WARC record must carry for an evidence record's stored headers (docs/evidence.md §2):
 * the recorded (masked) headers, except that the archived payload is the decoded body, so headers that
 * describe the wire bytes (Content-Encoding, Transfer-Encoding, a differing Content-Length) are kept under
 * `X-Archive-Orig-` names, and Content-Length is the payload's. Compared as the recorded list with the
 * length headers set aside, since whether an empty payload states a length is the writer's choice; the
 * Content-Length that is there must be the payload's length.
 */
export type HeaderPairs = ReadonlyArray<readonly [string, string]>;

const ORIG_PREFIX = "x-archive-orig-";
const RENAMED = new Set(["content-encoding", "transfer-encoding"]);
const LENGTH = "content-length";

/** Stored header column → pairs, or null when it is not a JSON list of [name, value]. */
export function storedHeaders(column: unknown): HeaderPairs | null {
  if (typeof column !== "string") return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(column);
  } catch {
    return null;
  }
  if (!Array.isArray(parsed)) return null;
  const pairs: Array<readonly [string, string]> = [];
  for (const pair of parsed as unknown[]) {
    if (!Array.isArray(pair) || pair.length !== 2) return null;
    const [name, value] = pair as unknown[];
    if (typeof name !== "string" || typeof value !== "string") return null;
    pairs.push([name, value]);
  }
  return pairs;
}

/** `Name: value` lines for comparison: names lowercased, renamed wire headers restored, lengths set aside. */
function comparable(headers: HeaderPairs, archived: boolean): string[] {
  const out: string[] = [];
  for (const [rawName, value] of headers) {
    let name = rawName.toLowerCase();
    if (
      archived &&
      name.startsWith(ORIG_PREFIX) &&
      (RENAMED.has(name.slice(ORIG_PREFIX.length)) || name.slice(ORIG_PREFIX.length) === LENGTH)
    ) {
      name = name.slice(ORIG_PREFIX.length);
    }
    if (name === LENGTH) continue;
    out.push(`${name}: ${value.trim()}`);
  }
  return out;
}

/** The first difference between the recorded and the archived headers, or null when they agree. */
export function headerDifference(
  recorded: HeaderPairs,
  archived: HeaderPairs,
  payloadLength: number | null,
): string | null {
  const want = comparable(recorded, false);
  const got = comparable(archived, true);
  for (let i = 0; i < Math.max(want.length, got.length); i++) {
    if (want[i] !== got[i]) {
      return `header ${i + 1}: the evidence record has ${JSON.stringify(want[i] ?? "(none)")}, the WARC has ${JSON.stringify(got[i] ?? "(none)")}`;
    }
  }
  if (payloadLength === null) return null;
  for (const [name, value] of archived) {
    if (name.toLowerCase() === LENGTH && value.trim() !== String(payloadLength)) {
      return `Content-Length is ${value}, the payload is ${payloadLength} bytes`;
    }
  }
  return null;
}
