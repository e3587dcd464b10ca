import type { SessionRow } from "../../record/rows.ts";
import { deviceLabel } from "../../read/model/device-label.ts";
import { formatDuration } from "../model/duration.ts";
import { LAST_SEEN_TOLERANCE, lastSeenOf } from "../model/last-seen.ts";
import type { SessionTimeline } from "../../read/model/timeline.ts";
import type { Zone } from "../../read/model/time-zone.ts";
import { Layout, Notice } from "./layout.tsx";
import { Time } from "./time.tsx";
import { TimelineList } from "./timeline-list.tsx";
import { ForRole } from "./viewer.tsx";
import { VisitChart } from "./visit-chart.tsx";

/** One session: who, when, on what device, and every page view with the calls it made. */
export function SessionPage(props: {
  session: SessionRow;
  customerTokens: string[];
  timeline: SessionTimeline;
  zone: Zone;
}) {
  const { session, timeline, zone } = props;
  return (
    <Layout title={`Session ${session.id.slice(0, 12)}`} zone={zone}>
      <div class="session-head">
        <h1>Session</h1>
        <span class="mono muted">{session.id}</span>
      </div>
      <SessionFacts session={session} timeline={timeline} zone={zone} />
      <ForRole role="compliance">
        <form class="actions" method="post" action="/__verbatim/exports">
          <input type="hidden" name="session" value={session.id} />
          <button class="primary" type="submit">
            Export this session (WACZ)
          </button>
          <a href={`/__verbatim/api/sessions/${session.id}/har`} download>
            Download HAR
          </a>
        </form>
      </ForRole>
      {props.customerTokens.map((token) => (
        <p>
          <a href={`/__verbatim/customers?customer_token=${encodeURIComponent(token)}`}>
            All sessions of the customer who signed in here →
          </a>
        </p>
      ))}
      {timeline.truncated ? (
        <Notice kind="info">
          This session is long: the timeline shows its first {timeline.exchangeCount} exchanges.
        </Notice>
      ) : null}
      <VisitChart timeline={timeline} zone={zone} />
      <h2>
        {timeline.pageViews.length} page view{timeline.pageViews.length === 1 ? "" : "s"}
      </h2>
      {timeline.exchangeCount === 0 ? <p class="muted">No exchanges recorded.</p> : null}
      <TimelineList timeline={timeline} zone={zone} />
    </Layout>
  );
}

export function SessionFacts(props: { session: SessionRow; timeline: SessionTimeline; zone: Zone }) {
  const { session, timeline, zone } = props;
  const lastSeen = lastSeenOf(session, timeline);
  const duration =
    timeline.startedAt !== null && timeline.endedAt !== null ? timeline.endedAt - timeline.startedAt : null;
  return (
    <div class="facts">
      <div>
        <b>Started</b>
        <Time at={session.first_seen} zone={zone} stacked />
      </div>
      <div>
        <b>Last seen{lastSeen.exact ? "" : ` (${LAST_SEEN_TOLERANCE})`}</b>
        <Time at={lastSeen.at} zone={zone} stacked />
      </div>
      <div>
        <b>Duration</b>
        {formatDuration(duration)}
      </div>
      <div>
        <b>Device</b>
        {deviceLabel(session.user_agent, session.device)}
      </div>
      <div>
        <b>Country</b>
        {session.country ?? "—"}
      </div>
      <div>
        <b>Network</b>
        <span class="mono">{session.client_network ?? "—"}</span>
      </div>
      <div>
        <b>Exchanges</b>
        {session.exchange_count}
      </div>
      <div>
        <b>Errors</b>
        <span class={`badge ${session.error_count > 0 ? "bad" : "ok"}`}>{session.error_count}</span>
      </div>
    </div>
  );
}
