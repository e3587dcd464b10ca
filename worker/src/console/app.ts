import { Hono } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { VerbatimError } from "../errors/verbatim-error.ts";
import { errorKind, log } from "../log/log.ts";
import { CONSOLE_ROOT } from "./auth/console-auth.ts";
import type { ConsoleEnv } from "./console-env.ts";
import { CONSOLE_CSS, CONSOLE_JS } from "./pages/console-css.ts";
import { ErrorPage } from "./pages/login-page.tsx";
import { loginRoutes } from "./routes/login.ts";
import { searchRoutes } from "./routes/search.ts";
import { consoleHeaders } from "./routes/security-headers.ts";
import { timelineRoutes } from "./routes/timelines.ts";

/**
 * The support console, server-rendered HTML under /__verbatim/ on the site's host (the read API keeps
 * /__verbatim/api/). Mounted at "/" with full paths so both /__verbatim and /__verbatim/ resolve; paths it
 * does not know fall through to the recorder's JSON 404.
 */
export const consoleApp = new Hono<ConsoleEnv>();

const TITLES: Readonly<Partial<Record<VerbatimError["code"], string>>> = {
  bad_query: "That request is not valid",
  not_found: "Not found",
  admin_disabled: "Console disabled",
  storage_unavailable: "Archive unavailable",
};

consoleApp.use(`${CONSOLE_ROOT}*`, consoleHeaders);
consoleApp.get("/__verbatim", (c) => c.redirect(CONSOLE_ROOT, 301));

consoleApp.get(`${CONSOLE_ROOT}assets/console.css`, (c) =>
  c.body(CONSOLE_CSS, 200, {
    "content-type": "text/css; charset=utf-8",
    "cache-control": "public, max-age=300",
  }),
);
consoleApp.get(`${CONSOLE_ROOT}assets/console.js`, (c) =>
  c.body(CONSOLE_JS, 200, {
    "content-type": "text/javascript; charset=utf-8",
    "cache-control": "public, max-age=300",
  }),
);

loginRoutes(consoleApp);
searchRoutes(consoleApp);
timelineRoutes(consoleApp);

consoleApp.onError((error, c) => {
  if (error instanceof VerbatimError) {
    const status = error.status as ContentfulStatusCode;
    return c.html(
      ErrorPage({ title: TITLES[error.code] ?? "Error", message: error.message, status }),
      status,
    );
  }
  log("error", "console_unhandled", { kind: errorKind(error) });
  return c.html(ErrorPage({ title: "Error", message: "internal error", status: 500 }), 500);
});
