import { replayCsp } from "./csp.ts";
import { rewriteRefresh, rewriteUrl, rootRelativeEdit, type SiteOrigin } from "./site-origin.ts";
import { applyEdits, type Edit } from "../util/edits.ts";

/** Recorded response headers that are never replayed, and why. */
export const DROPPED_HEADERS = {
  "set-cookie": "a replay never sets the customer's cookies in the support agent's browser",
  "content-encoding": "bodies are stored decoded",
  "content-length": "a rewritten body can differ in length; the runtime sets it",
  "transfer-encoding": "hop-by-hop (RFC 9110 §7.6.1)",
  connection: "hop-by-hop (RFC 9110 §7.6.1)",
  "keep-alive": "hop-by-hop (RFC 9110 §7.6.1)",
  "proxy-connection": "hop-by-hop",
  trailer: "hop-by-hop (RFC 9110 §7.6.1)",
  upgrade: "hop-by-hop (RFC 9110 §7.6.1)",
  "content-security-policy": "replaced by the replay CSP, which confines the page to its replay origin",
  "content-security-policy-report-only": "would report the replay to the site's collector",
  "strict-transport-security": "would pin the replay host to https",
  "alt-svc": "would send the browser to the site's alternative services",
  "clear-site-data": "would clear the support agent's browser state",
  "report-to": "would report the replay to the site's collector",
  "reporting-endpoints": "would report the replay to the site's collector",
  nel: "would report the replay to the site's collector",
  "x-frame-options": "the console frames replays; the replay CSP's frame-ancestors decides",
  "cache-control": "replaced by no-store: a replay is never cached",
  expires: "replaced by no-store",
  age: "replaced by no-store",
} as const satisfies Record<string, string>;

/** Headers whose value is a URL (or holds URLs), rewritten like the body's. */
const URL_HEADERS = {
  location: "url",
  "content-location": "url",
  refresh: "refresh",
  link: "link",
} as const satisfies Record<string, "url" | "refresh" | "link">;

export type ReplayHeaderOptions = {
  site: SiteOrigin;
  frameAncestors: readonly string[];
  /** `recorded`, `revalidated`, `shared-capture`, `not-recorded`, `redirect`, ... */
  outcome: string;
  exchangeId: string | null;
  extra?: Readonly<Record<string, string>>;
};

/** Headers every replay response carries, whatever it answers. */
export function replayOnlyHeaders(options: Omit<ReplayHeaderOptions, "site">): Headers {
  const headers = new Headers({
    "content-security-policy": replayCsp(options.frameAncestors),
    "cache-control": "no-store",
    "referrer-policy": "no-referrer",
    "x-robots-tag": "noindex, nofollow",
    "x-verbatim-replay": options.outcome,
  });
  if (options.exchangeId) headers.set("x-verbatim-exchange", options.exchangeId);
  for (const [name, value] of Object.entries(options.extra ?? {})) headers.set(name, value);
  return headers;
}

/** The recorded (masked) response headers as replayed: DROPPED_HEADERS out, URLs rewritten, replay headers in. */
export function replayHeaders(
  recorded: ReadonlyArray<readonly [string, string]>,
  options: ReplayHeaderOptions,
): Headers {
  const headers = new Headers();
  for (const [rawName, value] of recorded) {
    const name = rawName.toLowerCase();
    if (Object.hasOwn(DROPPED_HEADERS, name) || name.startsWith("x-verbatim-")) continue;
    headers.append(name, rewriteHeader(name, value, options.site));
  }
  for (const [name, value] of replayOnlyHeaders(options)) headers.set(name, value);
  return headers;
}

function rewriteHeader(name: string, value: string, site: SiteOrigin): string {
  if (!Object.hasOwn(URL_HEADERS, name)) return value;
  switch (URL_HEADERS[name as keyof typeof URL_HEADERS]) {
    case "url":
      return rewriteUrl(value, site);
    case "refresh":
      return rewriteRefresh(value, site);
    case "link": {
      // RFC 8288: `<https://shop.example/a.css>; rel=preload, <...>`: each target sits in angle brackets.
      const edits: Edit[] = [];
      for (const match of value.matchAll(/<\s*/g)) {
        const edit = rootRelativeEdit(value, match.index + match[0].length, site);
        if (edit) edits.push(edit);
      }
      return applyEdits(value, edits);
    }
  }
}
