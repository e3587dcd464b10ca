import type { Hono } from "hono";
import { parseId } from "../../read/query.ts";
import { customerTokenOf } from "../../read/session-search.ts";
import { VerbatimError } from "../../errors/verbatim-error.ts";
import { CONSOLE_ROOT, requireConsole } from "../auth/console-auth.ts";
import type { ConsoleEnv } from "../console-env.ts";
import { loadCustomerTimeline, loadSessionTimeline } from "../../read/load-timeline.ts";
import { loadReplayFrame } from "../../read/load-replay.ts";
import { CustomerPage } from "../pages/customer-page.tsx";
import { ReplayPage } from "../pages/replay-page.tsx";
import { SessionPage } from "../pages/session-page.tsx";
import { viewerZone } from "./viewer-zone.ts";

/** The session timeline, the customer view and the replay frame: thin handlers over loaders and pages. */
export function timelineRoutes(app: Hono<ConsoleEnv>): void {
  app.get(`${CONSOLE_ROOT}sessions/:id`, requireConsole, async (c) => {
    const zone = viewerZone(c);
    const loaded = await loadSessionTimeline(c.env, parseId("session id", c.req.param("id")));
    return c.html(SessionPage({ ...loaded, zone }));
  });

  app.get(`${CONSOLE_ROOT}customers`, requireConsole, async (c) => {
    const zone = viewerZone(c);
    const token = customerTokenOf(c.req.query(), c.get("settings").secret);
    if (token === null)
      throw new VerbatimError(
        "bad_query",
        "give the customer's identifier: /__verbatim/customers?customer=<identifier>",
      );
    return c.html(CustomerPage({ timeline: await loadCustomerTimeline(c.env, token), zone }));
  });

  app.get(`${CONSOLE_ROOT}replay/:id`, requireConsole, async (c) => {
    const zone = viewerZone(c);
    const id = parseId("exchange id", c.req.param("id"));
    const frame = await loadReplayFrame(c.env, id, c.req.url, c.get("settings").replayHost);
    return c.html(ReplayPage({ frame, zone }));
  });
}
