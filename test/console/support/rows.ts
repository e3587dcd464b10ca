import type { TimelineRow } from "../../../worker/src/store/console-reader.ts";

const T0 = Date.UTC(2026, 10, 23, 9, 0, 0);
let n = 0;

/** A timeline row with plain defaults (a 200 GET of an HTML page view `at` seconds after T0). */
export function row(path: string, at: number, changes: Partial<TimelineRow> = {}): TimelineRow {
  n++;
  return {
    id: `01TEST${String(at * 1000).padStart(10, "0")}${String(n).padStart(10, "0")}`,
    session_id: "0123456789abcdef0123456789abcdef",
    started_at: T0 + at * 1000,
    total_ms: 50,
    method: "GET",
    url: `https://shop.example${path}`,
    status: 200,
    content_type: "text/html; charset=utf-8",
    content_class: "html",
    page_view: 1,
    request_body_digest: null,
    request_body_size: null,
    request_body_note: null,
    response_body_digest: "a".repeat(64),
    response_body_note: null,
    error: null,
    mask_policy: "default-0123456789abcdef",
    mask_report: "[]",
    fetch_dest: "document",
    request_type: null,
    ...changes,
  };
}

export const T_START = T0;

export const json = (changes: Partial<TimelineRow> = {}): Partial<TimelineRow> => ({
  page_view: 0,
  content_class: "json",
  content_type: "application/json",
  fetch_dest: "empty",
  ...changes,
});

export const asset = (contentClass: string, changes: Partial<TimelineRow> = {}): Partial<TimelineRow> => ({
  page_view: 0,
  content_class: contentClass,
  content_type: null,
  fetch_dest: "empty",
  ...changes,
});
