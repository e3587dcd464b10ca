import type { Hono } from "hono";
import type { AccessEnv } from "../../front/access-env.ts";
import { clientOf, countFailure, tokenPrincipal } from "../../front/authenticate.ts";
import { closeConsoleSession, openConsoleSession } from "../../access/console-session.ts";
import { route } from "../../front/route-access.ts";
import { CONSOLE_ROOT, safeNext } from "../console-root.ts";
import { LoginPage } from "../pages/login-page.tsx";

/**
 * GET/POST /__verbatim/login and POST /__verbatim/logout. Cross-site posts are refused by the host's CSRF
 * middleware (hono/csrf) before they get here.
 */
export function loginRoutes(app: Hono<AccessEnv>): void {
  route(app, "GET", `${CONSOLE_ROOT}login`, "public", (c) => {
    const next = safeNext(c.req.query("next"));
    if (c.get("principal") !== null) return c.redirect(next, 303);
    return c.html(
      LoginPage({ next, message: null, loggedOut: c.req.query("bye") === "1", local: c.get("config").local }),
    );
  });

  route(app, "POST", `${CONSOLE_ROOT}login`, "public", async (c) => {
    const config = c.get("config");
    const form = await c.req.parseBody();
    const next = safeNext(typeof form.next === "string" ? form.next : undefined);
    const token = typeof form.token === "string" ? form.token.trim() : "";
    const now = Date.now();
    const principal = await tokenPrincipal(token, config, c.env.DB, new URL(c.req.url).host, now);
    if (principal === null) {
      await countFailure(c, clientOf(c), now);
      return c.html(
        LoginPage({ next, message: "That token is not valid here. Try again.", local: config.local }),
        401,
      );
    }
    await openConsoleSession(c, config.secret, principal, now);
    return c.redirect(next, 303);
  });

  route(app, "POST", `${CONSOLE_ROOT}logout`, "public", (c) => {
    closeConsoleSession(c);
    return c.redirect(`${CONSOLE_ROOT}login?bye=1`, 303);
  });
}
