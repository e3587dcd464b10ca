import { Hono } from "hono";
import { loadConfig } from "../config/config.ts";
import { loadReplayFrame } from "../read/load-replay.ts";
import { loadCustomerTimeline, loadSessionTimeline } from "../read/load-timeline.ts";
import type { Env } from "../env.ts";
import { VerbatimError } from "../errors/verbatim-error.ts";
import { parseId } from "../read/query.ts";
import { customerTokenOf } from "../read/session-search.ts";
import { customerTimelineView, replayView, timelineView } from "./timeline-views.ts";
import { sessionView } from "./views.ts";

/** Timelines and replay frames as JSON, behind the read API's token (mounted by routes.ts). */
export const timelineApi = new Hono<{ Bindings: Env }>();

timelineApi.get("/sessions/:id/timeline", async (c) => {
  const { session, customerTokens, timeline } = await loadSessionTimeline(
    c.env,
    parseId("session id", c.req.param("id")),
  );
  return c.json({ session: sessionView(session), customerTokens, ...timelineView(timeline) });
});

timelineApi.get("/customers/timeline", async (c) => {
  const loaded = loadConfig(c.env);
  const token = customerTokenOf(c.req.query(), loaded.ok ? loaded.config.secret : null);
  if (token === null) throw new VerbatimError("bad_query", "customer is required: ?customer=<identifier>");
  return c.json(customerTimelineView(await loadCustomerTimeline(c.env, token)));
});

timelineApi.get("/exchanges/:id/replay", async (c) => {
  const loaded = loadConfig(c.env);
  const config = loaded.ok ? loaded.config : loaded.passThrough;
  if (!config)
    throw new VerbatimError("storage_unavailable", "recorder is misconfigured; see /__verbatim/api/health");
  const frame = await loadReplayFrame(
    c.env,
    parseId("exchange id", c.req.param("id")),
    c.req.url,
    config.replayHost,
  );
  return c.json(replayView(frame));
});
