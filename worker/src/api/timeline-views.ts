import type { ReplayFrame } from "../read/load-replay.ts";
import type { CustomerTimeline } from "../read/model/customer-timeline.ts";
import type { Call, PageView, SessionTimeline } from "../read/model/timeline.ts";
import type { PageViewLink } from "../store/console-reader.ts";
import { sessionView } from "./views.ts";

/** API shapes of the console's timelines and replay frames: the same models, times as ISO-8601. */
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** Links to an exchange and to each body the archive holds for it (null when none was stored). */
function exchangeLinks(call: Pick<Call, "id" | "stored">) {
  const body = (part: "request" | "response") =>
    call.stored[part] ? `/__verbatim/api/exchanges/${call.id}/body?part=${part}` : null;
  return {
    exchange: `/__verbatim/api/exchanges/${call.id}`,
    requestBody: body("request"),
    responseBody: body("response"),
  };
}

function callView(call: Call) {
  return { ...call, startedAt: iso(call.startedAt), links: exchangeLinks(call) };
}

function pageViewView(page: PageView) {
  return {
    ...page,
    startedAt: iso(page.startedAt),
    calls: page.calls.map(callView),
    links: {
      ...exchangeLinks(page),
      replay: `/__verbatim/replay/${page.id}`,
      replayApi: `/__verbatim/api/exchanges/${page.id}/replay`,
    },
  };
}

export function timelineView(timeline: SessionTimeline) {
  return {
    startedAt: iso(timeline.startedAt),
    endedAt: iso(timeline.endedAt),
    // Exact, unlike the session's stored lastSeen (refreshed once a minute); null when truncated.
    lastExchangeAt: timeline.truncated ? null : iso(timeline.lastExchangeAt),
    exchangeCount: timeline.exchangeCount,
    errorCount: timeline.errorCount,
    truncated: timeline.truncated,
    beforeFirstPageView: { calls: timeline.lead.calls.map(callView), assets: timeline.lead.assets },
    pageViews: timeline.pageViews.map(pageViewView),
  };
}

export function customerTimelineView(customer: CustomerTimeline) {
  return {
    devices: customer.devices,
    pageViewCount: customer.pageViewCount,
    errorCount: customer.errorCount,
    truncated: customer.truncated,
    sessions: customer.sessions.map(({ session, device, timeline }) => ({
      session: sessionView(session),
      device,
      timeline: timelineView(timeline),
    })),
  };
}

const linkView = (link: PageViewLink | null) =>
  link ? { id: link.id, url: link.url, startedAt: iso(link.started_at), status: link.status } : null;

export function replayView(frame: ReplayFrame) {
  const { exchange } = frame;
  return {
    exchangeId: exchange.id,
    sessionId: exchange.session_id,
    url: exchange.url,
    status: exchange.status,
    capturedAt: iso(exchange.started_at),
    maskPolicy: exchange.mask_policy,
    replayUrl: frame.replayUrl,
    integrity: frame.integrity,
    previous: linkView(frame.previous),
    next: linkView(frame.next),
    events: frame.events.map((event) => ({ at: iso(event.at), kind: event.kind, url: event.url })),
    links: { console: `/__verbatim/replay/${exchange.id}` },
  };
}
