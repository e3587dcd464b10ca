import { Hono } from "hono";
import { VerbatimError } from "../errors/verbatim-error.ts";
import type { AccessEnv } from "../front/access-env.ts";
import { audit } from "../front/audit-look.ts";
import { route } from "../front/route-access.ts";
import { loadReplayFrame } from "../read/load-replay.ts";
import { loadCustomerTimeline, loadSessionTimeline } from "../read/load-timeline.ts";
import { parseId } from "../read/query.ts";
import { customerTokenOf } from "../read/session-search.ts";
import { customerTimelineView, replayView, timelineView } from "./timeline-views.ts";
import { sessionView } from "./views.ts";

/** Timelines and replay frames as JSON (mounted by routes.ts); support role, each look audited. */
export const timelineApi = new Hono<AccessEnv>();

route(timelineApi, "GET", "/sessions/:id/timeline", "support", async (c) => {
  const id = parseId("session id", c.req.param("id"));
  await audit(c, "session.view", id);
  const { session, customerTokens, timeline } = await loadSessionTimeline(c.env, id);
  return c.json({ session: sessionView(session), customerTokens, ...timelineView(timeline) });
});

route(timelineApi, "GET", "/customers/timeline", "support", async (c) => {
  const token = customerTokenOf(c.req.query(), c.get("config").secret);
  if (token === null) throw new VerbatimError("bad_query", "customer is required: ?customer=<identifier>");
  await audit(c, "customer.view", token);
  return c.json(customerTimelineView(await loadCustomerTimeline(c.env, token)));
});

route(timelineApi, "GET", "/exchanges/:id/replay", "support", async (c) => {
  const id = parseId("exchange id", c.req.param("id"));
  await audit(c, "replay.open", id);
  const viewer = c.get("principal")?.id ?? "anonymous";
  const frame = await loadReplayFrame(c.env, id, c.req.url, c.get("config"), viewer);
  return c.json(replayView(frame));
});
