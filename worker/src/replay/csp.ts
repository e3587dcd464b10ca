/**
 * The Content-Security-Policy every replay response carries. It confines the page to its replay origin:
 * subresources, fetches and form posts can only go to the replay origin (which answers from the archive);
 * anything else (a third-party script, an absolute URL a script built) is blocked by the browser before it
 * leaves and reported to CSP_REPORT_PATH, where it is listed for support. Inline scripts, eval, data: and
 * blob: stay allowed because the recorded page used them and replay must run it as the customer's browser
 * did. Only the console may frame a replay. Frames and objects only from the replay origin: a data: or blob:
 * document would run in a realm of its own, where the egress guard (egress-guard.ts) never ran.
 */
export const CSP_REPORT_PATH = "/__verbatim-replay/csp-report";

export function replayCsp(frameAncestors: readonly string[]): string {
  return [
    "default-src 'self' 'unsafe-inline' 'unsafe-eval' data: blob:",
    "connect-src 'self'",
    "frame-src 'self'",
    "object-src 'self'",
    "form-action 'self'",
    "base-uri 'self'",
    `frame-ancestors ${frameAncestors.length > 0 ? frameAncestors.join(" ") : "'none'"}`,
    `report-uri ${CSP_REPORT_PATH}`,
  ].join("; ");
}

/**
 * Origins that may frame a replay: the console's, on its own host (CONSOLE_HOST), with the scheme and port
 * the replay is served on (the same Worker answers both; locally http://console.localhost:8787).
 */
export function consoleOrigins(consoleHost: string, replayRequestUrl: URL): string[] {
  const port = replayRequestUrl.port === "" ? "" : `:${replayRequestUrl.port}`;
  return [`${replayRequestUrl.protocol}//${consoleHost}${port}`];
}

/** Most URLs one report may list: a report is untrusted input and each URL becomes a D1 row. */
export const MAX_BLOCKED_PER_REPORT = 20;

/**
 * The blocked URLs in a CSP violation report: the `report-uri` format (`{"csp-report": {"blocked-uri"}}`,
 * application/csp-report) or the Reporting API's (`[{"type": "csp-violation", "body": {"blockedURL"}}]`,
 * application/reports+json). Keywords a browser reports instead of a URL (`inline`, `eval`) are kept.
 */
export function blockedUrls(report: unknown): string[] {
  const found: string[] = [];
  const entries = Array.isArray(report) ? report : [report];
  for (const entry of entries) {
    if (!isRecord(entry)) continue;
    const legacy = entry["csp-report"];
    if (isRecord(legacy) && typeof legacy["blocked-uri"] === "string") found.push(legacy["blocked-uri"]);
    const body = entry["body"];
    if (entry["type"] === "csp-violation" && isRecord(body) && typeof body["blockedURL"] === "string") {
      found.push(body["blockedURL"]);
    }
  }
  return found.filter((url) => url.length > 0).slice(0, MAX_BLOCKED_PER_REPORT);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
