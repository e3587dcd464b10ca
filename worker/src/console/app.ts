import { Hono } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { AccessEnv } from "../front/access-env.ts";
import { route } from "../front/route-access.ts";
import { VerbatimError } from "../errors/verbatim-error.ts";
import { errorKind, log } from "../log/log.ts";
import { CONSOLE_ROOT } from "./console-root.ts";
import { CONSOLE_CSS, CONSOLE_JS } from "./pages/console-css.ts";
import { ErrorPage } from "./pages/login-page.tsx";
import { auditRoutes } from "./routes/audit.ts";
import { evidenceRoutes } from "./routes/evidence.ts";
import { exportRoutes } from "./routes/exports.ts";
import { holdsRoutes } from "./routes/holds.ts";
import { loginRoutes } from "./routes/login.ts";
import { searchRoutes } from "./routes/search.ts";
import { consoleHeaders } from "./routes/security-headers.ts";
import { timelineRoutes } from "./routes/timelines.ts";

/**
 * The support console: server-rendered HTML under /__verbatim/ on the console's own host (CONSOLE_HOST; the
 * read API keeps /__verbatim/api/). Mounted at "/" with full paths so both /__verbatim and /__verbatim/
 * resolve. Every route declares its role (front/route-access.ts).
 */
export const consoleApp = new Hono<AccessEnv>();

const TITLES: Readonly<Partial<Record<VerbatimError["code"], string>>> = {
  bad_query: "That request is not valid",
  not_found: "Not found",
  forbidden: "Not allowed",
  rate_limited: "Slow down",
  admin_disabled: "Console disabled",
  storage_unavailable: "Archive unavailable",
};

consoleApp.use(`${CONSOLE_ROOT}*`, consoleHeaders);
route(consoleApp, "GET", "/", "public", (c) => c.redirect(CONSOLE_ROOT, 302));
route(consoleApp, "GET", "/__verbatim", "public", (c) => c.redirect(CONSOLE_ROOT, 301));

route(consoleApp, "GET", `${CONSOLE_ROOT}assets/console.css`, "public", (c) =>
  c.body(CONSOLE_CSS, 200, {
    "content-type": "text/css; charset=utf-8",
    "cache-control": "public, max-age=300",
  }),
);
route(consoleApp, "GET", `${CONSOLE_ROOT}assets/console.js`, "public", (c) =>
  c.body(CONSOLE_JS, 200, {
    "content-type": "text/javascript; charset=utf-8",
    "cache-control": "public, max-age=300",
  }),
);

loginRoutes(consoleApp);
searchRoutes(consoleApp);
timelineRoutes(consoleApp);
auditRoutes(consoleApp);
exportRoutes(consoleApp);
evidenceRoutes(consoleApp);
holdsRoutes(consoleApp);

consoleApp.onError((error, c) => {
  if (error instanceof VerbatimError) {
    // A page opened without a credential goes to the sign-in form and comes back here afterwards.
    if (error.code === "unauthorized" && c.req.method === "GET") {
      const here = new URL(c.req.url);
      return c.redirect(`${CONSOLE_ROOT}login?next=${encodeURIComponent(here.pathname + here.search)}`, 303);
    }
    const status = error.status as ContentfulStatusCode;
    return c.html(
      ErrorPage({ title: TITLES[error.code] ?? "Error", message: error.message, status }),
      status,
    );
  }
  log("error", "console_unhandled", { kind: errorKind(error) });
  return c.html(ErrorPage({ title: "Error", message: "internal error", status: 500 }), 500);
});
