import type { TimelineRow } from "../../store/console-reader.ts";
import type { SessionRow } from "../../record/rows.ts";
import { deviceLabel } from "./device-label.ts";
import type { RequestField } from "./request-fields.ts";
import { buildTimeline, type SessionTimeline } from "./timeline.ts";

/**
 * Every session of one customer as one timeline: across devices and days, in the order the customer lived
 * it, each session labelled with the device it came from ("Safari on iOS (mobile)").
 */
export type CustomerSession = { session: SessionRow; device: string; timeline: SessionTimeline };

export type CustomerTimeline = {
  sessions: CustomerSession[];
  /** The distinct devices, in the order they first appear. */
  devices: string[];
  pageViewCount: number;
  errorCount: number;
  truncated: boolean;
};

export function buildCustomerTimeline(
  sessions: readonly SessionRow[],
  rows: readonly TimelineRow[],
  options: { fields?: ReadonlyMap<string, RequestField[]>; truncated?: boolean } = {},
): CustomerTimeline {
  const bySession = new Map<string, TimelineRow[]>();
  for (const row of rows) {
    const list = bySession.get(row.session_id);
    if (list) list.push(row);
    else bySession.set(row.session_id, [row]);
  }
  const ordered = [...sessions].sort((a, b) => a.first_seen - b.first_seen || (a.id < b.id ? -1 : 1));
  const joined = ordered.map((session) => ({
    session,
    device: deviceLabel(session.user_agent, session.device),
    timeline: buildTimeline(session.id, bySession.get(session.id) ?? [], {
      ...(options.fields ? { fields: options.fields } : {}),
      // A session whose exchanges were cut off by the overall limit is itself incomplete.
      truncated:
        (options.truncated ?? false) && (bySession.get(session.id)?.length ?? 0) < session.exchange_count,
    }),
  }));
  return {
    sessions: joined,
    devices: [...new Set(joined.map((s) => s.device))],
    pageViewCount: joined.reduce((sum, s) => sum + s.timeline.pageViews.length, 0),
    errorCount: joined.reduce((sum, s) => sum + s.timeline.errorCount, 0),
    truncated: options.truncated ?? false,
  };
}
