import type { Context, Hono } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { sameSecret } from "../../api/auth.ts";
import { VerbatimError } from "../../errors/verbatim-error.ts";
import { log } from "../../log/log.ts";
import { CONSOLE_ROOT, isSameOrigin, safeNext } from "../auth/console-auth.ts";
import {
  CONSOLE_COOKIE,
  CONSOLE_SESSION_MS,
  issueConsoleSession,
  verifyConsoleSession,
} from "../auth/session-cookie.ts";
import { consoleSettings, type ConsoleEnv } from "../console-env.ts";
import { ErrorPage, LoginPage } from "../pages/login-page.tsx";

const COOKIE_PATH = "/__verbatim";

/** GET/POST /__verbatim/login and POST /__verbatim/logout. */
export function loginRoutes(app: Hono<ConsoleEnv>): void {
  app.get(`${CONSOLE_ROOT}login`, async (c) => {
    const settings = consoleSettings(c.env);
    if ("disabled" in settings) throw new VerbatimError("admin_disabled", settings.disabled);
    const next = safeNext(c.req.query("next"));
    if (await verifyConsoleSession(settings, getCookie(c, CONSOLE_COOKIE), Date.now()))
      return c.redirect(next, 303);
    return c.html(LoginPage({ next, message: null, loggedOut: c.req.query("bye") === "1" }));
  });

  app.post(`${CONSOLE_ROOT}login`, async (c) => {
    if (!isSameOrigin(c)) return forbidden(c);
    const settings = consoleSettings(c.env);
    if ("disabled" in settings) throw new VerbatimError("admin_disabled", settings.disabled);
    const form = await c.req.parseBody();
    const next = safeNext(typeof form.next === "string" ? form.next : undefined);
    const token = typeof form.token === "string" ? form.token : "";
    if (!(await sameSecret(token, settings.token))) {
      log("warn", "console_login_failed");
      return c.html(LoginPage({ next, message: "That is not the admin token. Try again." }), 401);
    }
    setCookie(c, CONSOLE_COOKIE, await issueConsoleSession(settings, Date.now()), {
      path: COOKIE_PATH,
      httpOnly: true,
      sameSite: "Strict",
      secure: new URL(c.req.url).protocol === "https:",
      maxAge: CONSOLE_SESSION_MS / 1000,
    });
    return c.redirect(next, 303);
  });

  app.post(`${CONSOLE_ROOT}logout`, (c) => {
    if (!isSameOrigin(c)) return forbidden(c);
    deleteCookie(c, CONSOLE_COOKIE, { path: COOKIE_PATH, secure: new URL(c.req.url).protocol === "https:" });
    return c.redirect(`${CONSOLE_ROOT}login?bye=1`, 303);
  });
}

function forbidden(c: Context<ConsoleEnv>) {
  return c.html(
    ErrorPage({
      title: "Request refused",
      message: "This form was not submitted from the console's own pages (cross-site request refused).",
      status: 403,
    }),
    403,
  );
}
