import type { SessionRow } from "../../record/rows.ts";
import type { SessionTimeline } from "../../read/model/timeline.ts";

/**
 * The stored `last_seen` is refreshed at most once a minute per isolate (record-exchange.ts
 * SESSION_REFRESH_MS: one D1 write per exchange would double the writes), so it can trail the latest
 * exchange by up to a minute. A page that has read the whole session's exchanges knows the exact time for
 * free; anywhere else the stored value is shown and said to be approximate.
 */
export type LastSeen = { at: number; exact: boolean };

export const LAST_SEEN_TOLERANCE = "±1 min";

export function lastSeenOf(
  session: Pick<SessionRow, "last_seen">,
  timeline: SessionTimeline | null,
): LastSeen {
  if (timeline && !timeline.truncated && timeline.lastExchangeAt !== null)
    return { at: Math.max(timeline.lastExchangeAt, session.last_seen), exact: true };
  return { at: session.last_seen, exact: false };
}
