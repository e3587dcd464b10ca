import { classify, type ContentClass } from "../snapshot/content-class.ts";
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

/** Classes whose bodies are the same for every visitor unless the headers say otherwise. */
const STATIC_CLASSES: ReadonlySet<ContentClass> = new Set(["css", "js", "image", "font"]);

/** Reasons a capture is one visitor's own, checked in order (RFC 9111 §3, §3.5, §5.2.2; RFC 6265 §8). */
const PERSONAL_RULES: ReadonlyArray<readonly [string, (c: Capture) => boolean]> = [
  ["Cache-Control: private or no-store", (c) => c.directives.has("private") || c.directives.has("no-store")],
  [
    "Vary on Cookie, Authorization or *",
    (c) => c.vary.some((v) => v === "cookie" || v === "authorization" || v === "*"),
  ],
  ["sets a cookie", (c) => c.setsCookie],
  [
    "answered a request with Authorization, without public, s-maxage or must-revalidate",
    (c) => c.authorized && !["public", "s-maxage", "must-revalidate"].some((d) => c.directives.has(d)),
  ],
  // Without an explicit shared-cache lifetime only static classes count as the same for everybody.
  [
    "a personalisable type without public, s-maxage or max-age",
    (c) =>
      !STATIC_CLASSES.has(c.cls) && !c.directives.has("public") && !c.directives.has("s-maxage") && !c.maxAge,
  ],
];

type Capture = {
  directives: Set<string>;
  vary: string[];
  setsCookie: boolean;
  authorized: boolean;
  cls: ContentClass;
  maxAge: boolean;
};

function header(headers: HeaderList, name: string): string[] {
  return headers.filter(([n]) => n.toLowerCase() === name).map(([, v]) => v);
}

/** Why this capture may not stand in for another visitor's response, or null when it may. */
export function personalReason(
  row: Pick<ExchangeRow, "response_headers" | "request_headers" | "content_type">,
): string | null {
  const response = JSON.parse(row.response_headers) as [string, string][];
  const request = JSON.parse(row.request_headers) as [string, string][];
  const directives = new Map<string, string>();
  for (const value of header(response, "cache-control")) {
    for (const part of value.split(",")) {
      const [name = "", arg = ""] = part.trim().toLowerCase().split("=");
      if (name !== "") directives.set(name, arg.replace(/"/g, ""));
    }
  }
  const capture: Capture = {
    directives: new Set(directives.keys()),
    vary: header(response, "vary").flatMap((v) =>
      v
        .toLowerCase()
        .split(",")
        .map((s) => s.trim()),
    ),
    setsCookie: header(response, "set-cookie").length > 0,
    authorized: header(request, "authorization").length > 0,
    cls: classify(row.content_type),
    maxAge: Number(directives.get("max-age") ?? "0") > 0,
  };
  return PERSONAL_RULES.find(([, test]) => test(capture))?.[0] ?? null;
}

/** The capture to replay for a URL the session never fetched, among archive-wide captures of it. */
export function pickSharedCapture<T extends ExchangeRow>(captures: readonly T[], at: number): T | null {
  return nearestBefore(
    captures.filter((row) => personalReason(row) === null),
    at,
  );
}
