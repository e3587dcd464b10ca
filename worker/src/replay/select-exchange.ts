import type { ExchangeRow } from "../record/rows.ts";

/**
 * Which recorded exchange answers a request made while replaying page view P. Pure: the rows come from
 * ReplayReader, the request is already masked (URL and body digest compare with what the recorder stored).
 *
 * - Same session, same method, same masked URL; with a body, the same masked body (digest) when one was
 *   recorded, else any body: a support agent clicking "Add to cart" with another quantity still sees what
 *   the site answered to that call, flagged as inexact.
 * - Of several, the one nearest in time after P started (what P's own script got), else the latest before
 *   (a cached asset fetched by an earlier page of the session).
 * - Navigations prefer page views and redirects, other requests prefer everything else, so a page URL the
 *   script also fetched is answered by the right kind of exchange.
 * - A navigation that lands on another page view is redirected to that page view's own replay origin, so its
 *   subresources are matched from its time. Navigating to P's own URL (a reload, or the GET after the 303 that
 *   led to a POST page view) shows P.
 */
export type Candidate = Pick<
  ExchangeRow,
  "id" | "started_at" | "method" | "url" | "status" | "page_view" | "request_body_digest"
>;

export type ReplayRequest = {
  method: string;
  /** The original URL (site origin + path + query), masked like stored URLs. */
  url: string;
  /** SHA-256 of the masked request body, or null without a body. */
  bodyDigest: string | null;
  navigation: boolean;
};

export type Decision<T extends Candidate> =
  { kind: "serve"; row: T; exact: boolean } | { kind: "redirect"; pageView: T } | { kind: "not-recorded" };

type Timed = { started_at: number; id: string };

const byTime = (a: Timed, b: Timed) =>
  a.started_at - b.started_at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** The earliest row at or after `at`, else the latest before it. */
export function nearestAfter<T extends Timed>(rows: readonly T[], at: number): T | null {
  const sorted = [...rows].sort(byTime);
  return sorted.find((row) => row.started_at >= at) ?? sorted.at(-1) ?? null;
}

/** The latest row at or before `at`, else the earliest after it. */
export function nearestBefore<T extends Timed>(rows: readonly T[], at: number): T | null {
  const sorted = [...rows].sort(byTime);
  return sorted.findLast((row) => row.started_at <= at) ?? sorted[0] ?? null;
}

/** Redirects answer navigations; a 304 (also 3xx) answers whatever revalidated, usually a subresource. */
const REDIRECT_STATUSES: ReadonlySet<number> = new Set([301, 302, 303, 307, 308]);
const isRedirect = (row: Candidate) => REDIRECT_STATUSES.has(row.status);

function sameKind<T extends Candidate>(rows: readonly T[], navigation: boolean): readonly T[] {
  const preferred = rows.filter((row) => (row.page_view === 1 || isRedirect(row)) === navigation);
  return preferred.length > 0 ? preferred : rows;
}

/** The exchange recorded for this request nearest after `at`, and whether it matched exactly. */
export function matchExchange<T extends Candidate>(
  candidates: readonly T[],
  request: ReplayRequest,
  at: number,
): { row: T; exact: boolean } | null {
  // A HEAD is answered by a recorded HEAD, else by the headers of a recorded GET (RFC 9110 §9.3.2).
  const methods = request.method === "HEAD" ? ["HEAD", "GET"] : [request.method];
  for (const method of methods) {
    const pool = sameKind(
      candidates.filter((row) => row.method === method && row.url === request.url),
      request.navigation,
    );
    const sameBody = pool.filter((row) => row.request_body_digest === request.bodyDigest);
    const exact = nearestAfter(sameBody, at);
    if (exact) return { row: exact, exact: method === request.method };
    const inexact = nearestAfter(pool, at);
    if (inexact) return { row: inexact, exact: false };
  }
  return null;
}

/** Whether the request is the navigation that shows the page view itself (no other row needed). */
export function showsPageView(pageView: Candidate, request: ReplayRequest): boolean {
  return (
    request.navigation &&
    request.url === pageView.url &&
    (request.method === pageView.method || request.method === "GET")
  );
}

export function decide<T extends Candidate>(
  pageView: T,
  candidates: readonly T[],
  request: ReplayRequest,
): Decision<T> {
  if (showsPageView(pageView, request)) {
    return { kind: "serve", row: pageView, exact: request.method === pageView.method };
  }
  const match = matchExchange(candidates, request, pageView.started_at);
  if (!match) return { kind: "not-recorded" };
  if (request.navigation && match.row.page_view === 1 && match.row.id !== pageView.id) {
    return { kind: "redirect", pageView: match.row };
  }
  return { kind: "serve", row: match.row, exact: match.exact };
}
