/**
 * Checks the path and query of a request to a replay origin before anything is looked up. Replay reads
 * nothing but D1 rows by URL, so a traversal could not reach a file; these requests are still refused
 * with a clear 400 because no browser replaying a recorded page sends them, and answering them with
 * whatever matches after decoding would make the archive answer for URLs the customer never requested.
 * The WHATWG URL parser already resolves `/../` and `/%2e%2e/` before a Worker sees a request; the rules
 * below catch what survives it (encoded slashes, double encoding, NULs, overlong UTF-8).
 */
export type TargetProblem = { status: 400 | 414; reason: string };

export const MAX_TARGET_LENGTH = 8192;

type Target = { path: string; query: string };

const TARGET_RULES: ReadonlyArray<{ status: 400 | 414; reason: string; test: (t: Target) => boolean }> = [
  {
    status: 414,
    reason: `the path and query are longer than ${MAX_TARGET_LENGTH} characters`,
    test: (t) => t.path.length + t.query.length > MAX_TARGET_LENGTH,
  },
  { status: 400, reason: "the URL contains a NUL character", test: (t) => hasNul(t.path) || hasNul(t.query) },
  {
    status: 400,
    reason: "the path has an invalid percent-escape",
    test: (t) => /%(?![0-9a-f]{2})/i.test(t.path),
  },
  {
    // Overlong UTF-8 (C0/C1 leads, E0 80-9F, F0 80-8F) is how `.` and `/` were smuggled past old decoders.
    status: 400,
    reason: "the path has an overlong UTF-8 sequence",
    test: (t) => /%c[01]|%e0%[89][0-9a-f]|%f0%8[0-9a-f]/i.test(t.path),
  },
  {
    status: 400,
    reason: "the path has a dot segment (path traversal)",
    test: (t) => t.path.split("/").some(isDotSegment),
  },
];

/** The first problem with a request target (`/path?query`), or null when it may be looked up. */
export function targetProblem(pathAndQuery: string): TargetProblem | null {
  const queryAt = pathAndQuery.indexOf("?");
  const target: Target = {
    path: queryAt < 0 ? pathAndQuery : pathAndQuery.slice(0, queryAt),
    query: queryAt < 0 ? "" : pathAndQuery.slice(queryAt + 1),
  };
  const rule = TARGET_RULES.find((r) => r.test(target));
  return rule ? { status: rule.status, reason: rule.reason } : null;
}

/** `..`, `.`, or a segment that decodes (once, twice or three times) to a path containing one. */
function isDotSegment(segment: string): boolean {
  let text = segment;
  for (let round = 0; round < 4; round++) {
    if (text.split(/[/\\]/).some((part) => part === "." || part === "..")) return true;
    const decoded = percentDecode(text);
    if (decoded === text) return false;
    text = decoded;
  }
  return false;
}

function hasNul(text: string): boolean {
  let decoded = text;
  for (let round = 0; round < 3; round++) {
    if (decoded.includes("\u0000")) return true;
    const next = percentDecode(decoded);
    if (next === decoded) return false;
    decoded = next;
  }
  return decoded.includes("\u0000");
}

/** Byte-wise percent-decoding that never throws (invalid UTF-8 is not this check's business). */
function percentDecode(text: string): string {
  return text.replace(/%([0-9a-f]{2})/gi, (_all, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}
