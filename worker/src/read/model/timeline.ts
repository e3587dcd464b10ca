import type { TimelineRow } from "../../store/console-reader.ts";
import { parseMaskReport, type MaskFinding } from "./mask-findings.ts";
import type { RequestField } from "./request-fields.ts";

/**
 * A session as support reads it: page views in order, and under each the calls and form submissions made
 * while it was open (the exchanges after it and before the next page view), assets folded into a count.
 * "While it was open" is by start time: a customer with two tabs gets their calls under the later page.
 */
export type CallKind = "form" | "json" | "document" | "fetch";

export type Call = {
  id: string;
  startedAt: number;
  durationMs: number | null;
  method: string;
  url: string;
  status: number;
  kind: CallKind;
  error: string | null;
  failed: boolean;
  /** What masking did to this exchange outside headers (body fields, URL parameters). */
  masked: MaskFinding[];
  /** Masked header values (cookies, Authorization): present on most requests, so only counted. */
  maskedHeaders: number;
  /** The stored request body's fields, when it is a form or JSON object that was read. */
  requestFields: RequestField[] | null;
  requestNote: string | null;
  /** Which bodies the archive holds for this exchange (each readable at /__verbatim/api/exchanges/:id/body). */
  stored: { request: boolean; response: boolean };
};

export type AssetSummary = { count: number; failed: number };

/** A page view is also a form submission when it answers a POST (POST /checkout → confirmation page). */
export type PageView = Omit<Call, "kind"> & {
  maskPolicy: string;
  /** Until the next page view, or until the end of this page's last exchange when it is the last one. */
  timeOnPageMs: number | null;
  timeOnPageUntil: "next page view" | "last exchange" | null;
  calls: Call[];
  assets: AssetSummary;
  /** Failed exchanges while this page was open, the page itself included. */
  errorCount: number;
};

export type SessionTimeline = {
  sessionId: string;
  startedAt: number | null;
  endedAt: number | null;
  /** When the latest exchange read started: the exact "last seen" when the timeline is not truncated. */
  lastExchangeAt: number | null;
  /**
   * Exchanges before the first page view (a visit that starts with an API call or a form post), or all of
   * them when the client never navigated: curl, native apps and API clients send no `Sec-Fetch-Dest:
   * document` or HTML `Accept`, so nothing they fetch is a page view (recorder/page-view.ts).
   */
  lead: { calls: Call[]; assets: AssetSummary };
  pageViews: PageView[];
  exchangeCount: number;
  errorCount: number;
  /** More exchanges were recorded than the timeline read. */
  truncated: boolean;
};

const ASSET_CLASSES: ReadonlySet<string> = new Set(["css", "js", "image", "font"]);
// Fetch Metadata destinations (Fetch §2.2.5) of subresources that are not calls a page makes.
const ASSET_DESTS: ReadonlySet<string> = new Set([
  "style",
  "script",
  "image",
  "font",
  "audio",
  "video",
  "track",
  "manifest",
  "object",
  "embed",
  "worker",
  "sharedworker",
  "serviceworker",
  "paintworklet",
  "audioworklet",
  "xslt",
]);

const CALL_KINDS: ReadonlyArray<readonly [(row: TimelineRow) => boolean, CallKind]> = [
  [
    (row) => /^(application\/x-www-form-urlencoded|multipart\/form-data)\b/i.test(row.request_type ?? ""),
    "form",
  ],
  [(row) => row.content_class === "json" || /json/i.test(row.request_type ?? ""), "json"],
  [(row) => row.content_class === "html", "document"],
];

export function isAsset(row: TimelineRow): boolean {
  if (row.fetch_dest !== null && ASSET_DESTS.has(row.fetch_dest)) return true;
  return (row.method === "GET" || row.method === "HEAD") && ASSET_CLASSES.has(row.content_class);
}

export function buildTimeline(
  sessionId: string,
  rows: readonly TimelineRow[],
  options: { fields?: ReadonlyMap<string, RequestField[]>; truncated?: boolean } = {},
): SessionTimeline {
  const ordered = [...rows].sort((a, b) => a.started_at - b.started_at || (a.id < b.id ? -1 : 1));
  const fields = options.fields ?? new Map<string, RequestField[]>();
  const lead: SessionTimeline["lead"] = { calls: [], assets: { count: 0, failed: 0 } };
  const pageViews: PageView[] = [];
  const ends: number[] = [];
  for (const row of ordered) {
    const current = pageViews.at(-1);
    if (row.page_view === 1) {
      pageViews.push({
        ...exchangeBase(row, fields.get(row.id) ?? null),
        maskPolicy: row.mask_policy,
        timeOnPageMs: null,
        timeOnPageUntil: null,
        calls: [],
        assets: { count: 0, failed: 0 },
        errorCount: 0,
      });
      ends.push(endOf(row));
      continue;
    }
    const group = current ?? lead;
    if (isAsset(row)) {
      group.assets = { count: group.assets.count + 1, failed: group.assets.failed + (failed(row) ? 1 : 0) };
    } else {
      group.calls.push(callOf(row, fields.get(row.id) ?? null));
    }
    if (current) ends[ends.length - 1] = Math.max(ends.at(-1) ?? 0, endOf(row));
  }
  pageViews.forEach((page, i) => {
    const next = pageViews[i + 1];
    const end = ends[i] ?? page.startedAt;
    page.errorCount =
      (page.failed ? 1 : 0) + page.calls.filter((call) => call.failed).length + page.assets.failed;
    if (next) {
      page.timeOnPageMs = next.startedAt - page.startedAt;
      page.timeOnPageUntil = "next page view";
    } else if (page.calls.length > 0 || page.assets.count > 0) {
      page.timeOnPageMs = end - page.startedAt;
      page.timeOnPageUntil = "last exchange";
    }
  });
  const first = ordered[0];
  return {
    sessionId,
    startedAt: first ? first.started_at : null,
    endedAt: ordered.length > 0 ? Math.max(...ordered.map(endOf)) : null,
    lastExchangeAt: ordered.at(-1)?.started_at ?? null,
    lead,
    pageViews,
    exchangeCount: ordered.length,
    errorCount: ordered.filter(failed).length,
    truncated: options.truncated ?? false,
  };
}

function failed(row: TimelineRow): boolean {
  return row.status >= 400 || row.error !== null;
}

function endOf(row: TimelineRow): number {
  return row.started_at + (row.total_ms ?? 0);
}

function exchangeBase(row: TimelineRow, requestFields: RequestField[] | null): Omit<Call, "kind"> {
  const findings = parseMaskReport(row.mask_report);
  return {
    id: row.id,
    startedAt: row.started_at,
    durationMs: row.total_ms,
    method: row.method,
    url: row.url,
    status: row.status,
    error: row.error,
    failed: failed(row),
    masked: findings.filter((f) => !f.header),
    maskedHeaders: findings.filter((f) => f.header).reduce((sum, f) => sum + f.count, 0),
    requestFields,
    requestNote: row.request_body_note,
    stored: { request: row.request_body_digest !== null, response: row.response_body_digest !== null },
  };
}

function callOf(row: TimelineRow, requestFields: RequestField[] | null): Call {
  return {
    ...exchangeBase(row, requestFields),
    kind: CALL_KINDS.find(([matches]) => matches(row))?.[1] ?? "fetch",
  };
}
