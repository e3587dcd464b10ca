import type { Hono } from "hono";
import { parseId } from "../../read/query.ts";
import { customerTokenOf } from "../../read/session-search.ts";
import { VerbatimError } from "../../errors/verbatim-error.ts";
import type { AccessEnv } from "../../front/access-env.ts";
import { audit } from "../../front/audit-look.ts";
import { route } from "../../front/route-access.ts";
import { CONSOLE_ROOT } from "../console-root.ts";
import { loadCustomerTimeline, loadSessionTimeline } from "../../read/load-timeline.ts";
import { loadReplayFrame } from "../../read/load-replay.ts";
import { loadSeal } from "../../read/load-seal.ts";
import { CustomerPage } from "../pages/customer-page.tsx";
import { ReplayFullPage, ReplayPage } from "../pages/replay-page.tsx";
import { SessionPage } from "../pages/session-page.tsx";
import { forViewer } from "../pages/viewer.tsx";
import { viewerOf, viewerZone } from "./viewer-zone.ts";

/** The session timeline, the customer view and the replay frame: thin handlers over loaders and pages. */
export function timelineRoutes(app: Hono<AccessEnv>): void {
  route(app, "GET", `${CONSOLE_ROOT}sessions/:id`, "support", async (c) => {
    const zone = viewerZone(c);
    const id = parseId("session id", c.req.param("id"));
    await audit(c, "session.view", id);
    const loaded = await loadSessionTimeline(c.env, id);
    return c.html(forViewer(c.get("principal"), SessionPage({ ...loaded, zone })));
  });

  route(app, "GET", `${CONSOLE_ROOT}customers`, "support", async (c) => {
    const zone = viewerZone(c);
    const token = customerTokenOf(c.req.query(), c.get("config").secret);
    if (token === null)
      throw new VerbatimError(
        "bad_query",
        "give the customer's identifier: /__verbatim/customers?customer=<identifier>",
      );
    await audit(c, "customer.view", token);
    const timeline = await loadCustomerTimeline(c.env, token);
    return c.html(forViewer(c.get("principal"), CustomerPage({ timeline, zone })));
  });

  route(app, "GET", `${CONSOLE_ROOT}replay/:id`, "support", async (c) => {
    const zone = viewerZone(c);
    const id = parseId("exchange id", c.req.param("id"));
    await audit(c, "replay.open", id);
    const frame = await loadReplayFrame(c.env, id, c.req.url, c.get("config"), viewerOf(c));
    // "Open in its own tab" is this page with only the frame, full-window: a replay is never a top-level
    // document, where the sandbox and the console's frame-src could not hold it.
    if (c.req.query("full") === "1") return c.html(ReplayFullPage({ frame }));
    // The log half of the check (the frame has the record half): sealed, pending or altered since sealed.
    const seal = await loadSeal(c.env, frame.exchange);
    return c.html(forViewer(c.get("principal"), ReplayPage({ frame, seal, zone })));
  });
}
