import { getCookie } from "hono/cookie";
import type { Context, MiddlewareHandler } from "hono";
import { VerbatimError } from "../../errors/verbatim-error.ts";
import { consoleSettings, type ConsoleEnv } from "../console-env.ts";
import { CONSOLE_COOKIE, verifyConsoleSession } from "./session-cookie.ts";

export const CONSOLE_ROOT = "/__verbatim/";

/** Console pages: a valid login cookie, or a redirect to the login form that comes back here afterwards. */
export const requireConsole: MiddlewareHandler<ConsoleEnv> = async function requireConsole(c, next) {
  const settings = consoleSettings(c.env);
  if ("disabled" in settings) throw new VerbatimError("admin_disabled", settings.disabled);
  if (!(await verifyConsoleSession(settings, getCookie(c, CONSOLE_COOKIE), Date.now()))) {
    const here = new URL(c.req.url);
    return c.redirect(`${CONSOLE_ROOT}login?next=${encodeURIComponent(here.pathname + here.search)}`, 303);
  }
  c.set("settings", settings);
  await next();
  return undefined;
};

/** For the read API: a browser logged in to the console may read the API too (SameSite=Strict cookie). */
export async function hasConsoleSession(c: Context): Promise<boolean> {
  const settings = consoleSettings(c.env);
  if ("disabled" in settings) return false;
  return verifyConsoleSession(settings, getCookie(c, CONSOLE_COOKIE), Date.now());
}

/**
 * CSRF for state-changing forms: the browser must say the request comes from this origin (Origin header,
 * or Fetch Metadata when a browser omits Origin). SameSite=Strict on the cookie is the second layer.
 */
export function isSameOrigin(c: Context): boolean {
  const origin = c.req.header("origin");
  if (origin !== undefined && origin !== "null") return origin === new URL(c.req.url).origin;
  return c.req.header("sec-fetch-site") === "same-origin";
}

/** Only paths inside the console may be a post-login destination (no open redirect). */
export function safeNext(raw: string | undefined): string {
  if (
    !raw ||
    !raw.startsWith(CONSOLE_ROOT) ||
    raw.startsWith(`${CONSOLE_ROOT}login`) ||
    /[\\\s]|\/\//.test(raw)
  )
    return CONSOLE_ROOT;
  return raw;
}
