import { Hono } from "hono";
import { csrf } from "hono/csrf";
import { HTTPException } from "hono/http-exception";
import { api } from "./api/routes.ts";
import { loadConfig } from "./config/config.ts";
import { consoleApp } from "./console/index.ts";
import { VerbatimError } from "./errors/verbatim-error.ts";
import type { AccessEnv } from "./front/access-env.ts";
import { authenticate } from "./front/authenticate.ts";
import { denyUndeclared, route } from "./front/route-access.ts";
import { errorKind, log } from "./log/log.ts";
import { RECORDER_PREFIX } from "./recorder-paths.ts";

const MIN_SECRET_LENGTH = 16;

/**
 * The console's own host (CONSOLE_HOST): the support console under /__verbatim/ and the read API under
 * /__verbatim/api/, never on the site's origin, so no script on a live page can reach the archive. In order:
 * the config (built once, passed down), CSRF (hono/csrf: forms only from this origin), who is asking
 * (front/authenticate.ts), and deny by default (a route without a declared role answers 403).
 */
export const consoleHost = new Hono<AccessEnv>();

consoleHost.use("*", async function withConfig(c, next) {
  const loaded = loadConfig(c.env);
  const config = loaded.ok ? loaded.config : loaded.reading;
  // A bad config (recording off, even ORIGIN unusable) leaves the console up, so ops read the errors on
  // health and support what was recorded; the console's cookie and grants need the secret, though.
  if (config.secret.length < MIN_SECRET_LENGTH)
    throw new VerbatimError(
      "admin_disabled",
      "the console is disabled: VERBATIM_SECRET (at least 16 characters) is not set",
    );
  c.set("config", config);
  await next();
});
consoleHost.use("*", csrf());
consoleHost.use("*", authenticate);
consoleHost.use("*", denyUndeclared);

consoleHost.route(`${RECORDER_PREFIX}/api`, api);
consoleHost.route("/", consoleApp);
route(consoleHost, "ALL", "*", "public", () => {
  throw new VerbatimError(
    "not_found",
    "no such page: the console is at /__verbatim/, the API under /__verbatim/api/",
  );
});

consoleHost.onError((error) => {
  if (error instanceof VerbatimError) return error.toResponse();
  if (error instanceof HTTPException) return error.getResponse();
  log("error", "console_host_unhandled", { kind: errorKind(error) });
  return new VerbatimError("internal", "internal error").toResponse();
});
