import type { CustomerTimeline } from "../../read/model/customer-timeline.ts";
import { LAST_SEEN_TOLERANCE, lastSeenOf } from "../model/last-seen.ts";
import { formatInZone, type Zone } from "../../read/model/time-zone.ts";
import { Layout, Notice } from "./layout.tsx";
import { Time } from "./time.tsx";
import { TimelineList } from "./timeline-list.tsx";
import { VisitChart } from "./visit-chart.tsx";

/** All sessions of one customer, oldest first, grouped by session and labelled with their device. */
export function CustomerPage(props: { timeline: CustomerTimeline; zone: Zone }) {
  const { timeline, zone } = props;
  const count = timeline.sessions.length;
  return (
    <Layout title="Customer timeline" zone={zone}>
      <h1>Customer timeline</h1>
      <p class="sub">
        {count} session{count === 1 ? "" : "s"} on {timeline.devices.length} device
        {timeline.devices.length === 1 ? "" : "s"} ({timeline.devices.join(", ") || "none"}),{" "}
        {timeline.pageViewCount} page views, {timeline.errorCount} errors.
      </p>
      {count === 0 ? <Notice kind="info">No sessions are linked to this customer.</Notice> : null}
      {timeline.truncated ? (
        <Notice kind="info">
          This customer has many exchanges: the oldest ones are shown, later ones are cut.
        </Notice>
      ) : null}
      {timeline.sessions.map(({ session, device, timeline: visit }, i) => {
        const day = formatInZone(session.first_seen, zone).slice(0, 10);
        const previous = timeline.sessions[i - 1];
        const newDay = !previous || formatInZone(previous.session.first_seen, zone).slice(0, 10) !== day;
        const lastSeen = lastSeenOf(session, visit);
        return (
          <>
            {newDay ? <h2>{day}</h2> : null}
            <section class="card" id={`s-${session.id}`}>
              <div class="session-head">
                <b>{device}</b>
                <a class="mono" href={`/__verbatim/sessions/${session.id}`}>
                  session {session.id.slice(0, 12)}…
                </a>
                <span class="muted">
                  <Time at={session.first_seen} zone={zone} /> → <Time at={lastSeen.at} zone={zone} />
                  {lastSeen.exact ? null : ` (${LAST_SEEN_TOLERANCE})`}
                </span>
                <span class={`badge ${session.error_count > 0 ? "bad" : ""}`}>
                  {session.error_count} errors
                </span>
              </div>
              <VisitChart timeline={visit} zone={zone} />
              <TimelineList timeline={visit} zone={zone} />
            </section>
          </>
        );
      })}
    </Layout>
  );
}
