import { maskUrl, recorderMaskContext } from "../mask/index.ts";
import type { ReplayReader } from "../store/replay-reader.ts";
import { blockedUrls } from "./csp.ts";
import { comparableUrl } from "./replay-request.ts";
import type { ReplayTarget } from "./replay-host.ts";

/** Reports are small; anything larger is not a browser's report and is not read past this. */
export const MAX_REPORT_BYTES = 64 * 1024;

/**
 * Reads one CSP violation report sent by a replayed page and returns the replay_events rows to write:
 * kind `blocked`, each URL masked like every stored URL (a third-party URL may carry the customer's data
 * in its query). Unreadable reports yield nothing: the endpoint is open to anything on the replay origin.
 */
export async function blockedEvents(
  request: Request,
  target: ReplayTarget,
  secret: string,
  now: number,
): Promise<Parameters<ReplayReader["recordEvent"]>[0][]> {
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > MAX_REPORT_BYTES) return [];
  // Read as bytes: workerd warns when .text() meets a type it does not know as text (application/csp-report).
  const bytes = await request.arrayBuffer();
  if (bytes.byteLength > MAX_REPORT_BYTES) return [];
  const text = new TextDecoder().decode(bytes);
  let report: unknown;
  try {
    report = JSON.parse(text);
  } catch {
    return [];
  }
  return blockedUrls(report).map((url) => ({
    at: now,
    session_id: target.sessionId,
    page_view_id: target.pageViewId,
    kind: "blocked" as const,
    url: comparableUrl(maskUrl(url, recorderMaskContext(secret, url), "url")),
  }));
}
