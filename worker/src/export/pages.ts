import type { ExchangeRow } from "../record/rows.ts";

/**
 * pages/pages.jsonl (WACZ 1.2 "pages.jsonl"): a header line, then one line per page view. Lines are
 * returned without their newline; the caller joins them with "\n". A page's `id` is its exchange id, so a
 * replay tool's page list and the evidence lines name the same thing; `session` is an extra property (the
 * spec allows those) for finding a visitor's other pages.
 */
export function pagesHeader(title: string): string {
  return JSON.stringify({ format: "json-pages-1.0", id: "pages", title });
}

export function pageLine(row: ExchangeRow): string | null {
  if (row.page_view !== 1) return null;
  // No `title`: the recorder keeps no page title, and guessing one from the body is not evidence.
  return JSON.stringify({
    id: row.id,
    url: row.url,
    ts: new Date(row.started_at).toISOString(),
    session: row.session_id,
  });
}
