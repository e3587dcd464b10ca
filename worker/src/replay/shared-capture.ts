import type { ExchangeRow } from "../record/rows.ts";
import { nearestBefore } from "./select-exchange.ts";

/**
 * A subresource the session never requested (the customer's browser had it cached from an earlier visit)
 * is answered from another capture of the same URL in the archive, but only when that capture is one a
 * shared cache could have reused for anybody (RFC 9111): somebody else's personal response must never
 * appear in this customer's replay. The capture chosen is the latest one at or before the page view (what
 * a cache could have held then), else the earliest after.
 */
type HeaderList = ReadonlyArray<readonly [string, string]>;

/**
 * Reasons a capture may not stand in for another visitor's response, checked in order; the first that holds
 * is given. A capture is shared only when its origin declared it fit for a shared cache (RFC 9111 §3,
 * §5.2.2.9 public, §5.2.2.10 s-maxage): a script or JSON with no Cache-Control, or only max-age (a browser's
 * own cache), may be personal, and one customer's personalised script was once served in another's replay.
 * Even then, private or no-store (§5.2.2.7, §5.2.2.5), a Vary on who is asking (§4.1) and a Set-Cookie
 * (RFC 6265 §8: the cookie is one visitor's) keep it in its session. An answer to Authorization needs public
 * or s-maxage too (§3.5), which the last rule asks of every capture.
 */
const PERSONAL_RULES: ReadonlyArray<readonly [reason: string, holds: (c: Capture) => boolean]> = [
  ["Cache-Control: private or no-store", (c) => c.directives.has("private") || c.directives.has("no-store")],
  [
    "Vary on Cookie, Authorization or *",
    (c) => c.vary.some((v) => v === "cookie" || v === "authorization" || v === "*"),
  ],
  ["sets a cookie", (c) => c.setsCookie],
  [
    "not declared shareable (no Cache-Control: public or s-maxage)",
    (c) => !c.directives.has("public") && !c.directives.has("s-maxage"),
  ],
];

type Capture = {
  directives: ReadonlySet<string>;
  vary: readonly string[];
  setsCookie: boolean;
};

function header(headers: HeaderList, name: string): string[] {
  return headers.filter(([n]) => n.toLowerCase() === name).map(([, v]) => v);
}

/** Why this capture may not stand in for another visitor's response, or null when it may. */
export function personalReason(row: Pick<ExchangeRow, "response_headers">): string | null {
  const response = JSON.parse(row.response_headers) as [string, string][];
  const directives = new Set<string>();
  for (const value of header(response, "cache-control")) {
    for (const part of value.split(",")) {
      const name = part.trim().toLowerCase().split("=")[0] ?? "";
      if (name !== "") directives.add(name);
    }
  }
  const capture: Capture = {
    directives,
    vary: header(response, "vary").flatMap((v) =>
      v
        .toLowerCase()
        .split(",")
        .map((s) => s.trim()),
    ),
    setsCookie: header(response, "set-cookie").length > 0,
  };
  return PERSONAL_RULES.find(([, holds]) => holds(capture))?.[0] ?? null;
}

/** The capture to replay for a URL the session never fetched, among archive-wide captures of it. */
export function pickSharedCapture<T extends ExchangeRow>(captures: readonly T[], at: number): T | null {
  return nearestBefore(
    captures.filter((row) => personalReason(row) === null),
    at,
  );
}
