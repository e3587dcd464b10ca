import type { Context, MiddlewareHandler } from "hono";
import { secureHeaders } from "hono/secure-headers";
import type { AccessEnv } from "../../front/access-env.ts";

/**
 * Console pages render recorded URLs and field values, so they get a strict CSP (hono/secure-headers): no
 * inline script or style, forms only to the console, frames only from replay origins (`*.<REPLAY_HOST>` on
 * the console's scheme and port, so a framed replay cannot navigate itself to the live site), and no
 * framing of the console itself.
 */
function replayFrames(c: Context): string {
  const here = new URL(c.req.url);
  const replayHost = (c as Context<AccessEnv>).get("config").replayHost;
  return `${here.protocol}//*.${replayHost}${here.port ? `:${here.port}` : ""}`;
}

const headers = secureHeaders({
  contentSecurityPolicy: {
    defaultSrc: ["'none'"],
    styleSrc: ["'self'"],
    scriptSrc: ["'self'"],
    imgSrc: ["'self'", "data:"],
    connectSrc: ["'self'"],
    frameSrc: [replayFrames],
    formAction: ["'self'"],
    baseUri: ["'none'"],
    frameAncestors: ["'none'"],
  },
  referrerPolicy: "no-referrer",
  xFrameOptions: "DENY",
  crossOriginResourcePolicy: "same-origin",
  crossOriginOpenerPolicy: "same-origin",
});

export const consoleHeaders: MiddlewareHandler<AccessEnv> = async function consoleHeaders(c, next) {
  await headers(c, next);
  if (!c.res.headers.has("cache-control")) c.res.headers.set("cache-control", "private, no-store");
};
