import type { MiddlewareHandler } from "hono";
import { consoleSettings } from "../console-env.ts";

/**
 * Console pages render recorded URLs and field values, so they get a strict CSP: no inline script or style,
 * forms only to the console, frames only from replay origins (`*.<REPLAY_HOST>` on the console's scheme and
 * port), and no framing of the console itself.
 */
export const consoleHeaders: MiddlewareHandler = async function consoleHeaders(c, next) {
  await next();
  const settings = consoleSettings(c.env);
  const here = new URL(c.req.url);
  const frames =
    "disabled" in settings
      ? "'none'"
      : `${here.protocol}//*.${settings.replayHost}${here.port ? `:${here.port}` : ""}`;
  const headers = c.res.headers;
  headers.set(
    "content-security-policy",
    [
      "default-src 'none'",
      "style-src 'self'",
      "script-src 'self'",
      "img-src 'self' data:",
      "connect-src 'self'",
      `frame-src ${frames}`,
      "form-action 'self'",
      "base-uri 'none'",
      "frame-ancestors 'none'",
    ].join("; "),
  );
  headers.set("x-content-type-options", "nosniff");
  headers.set("referrer-policy", "no-referrer");
  if (!headers.has("cache-control")) headers.set("cache-control", "private, no-store");
};
