import type { Context } from "hono";
import { getCookie, setCookie } from "hono/cookie";
import type { AccessEnv } from "../../front/access-env.ts";
import { parseZone, UTC, type Zone } from "../../read/model/time-zone.ts";

/** The identity a replay grant is bound to: the principal's (route guards ensure there is one). */
export function viewerOf(c: Context<AccessEnv>): string {
  return c.get("principal")?.id ?? "anonymous";
}

const ZONE_COOKIE = "verbatim_tz";

/**
 * The zone the viewer reads times in: `?tz=` when given (bad values are a 400 naming tz), else the zone they
 * last chose (a cookie, so every console page agrees), else UTC.
 */
export function viewerZone(c: Context, chosen: string | undefined = c.req.query("tz")): Zone {
  if (chosen !== undefined && chosen !== "") {
    const zone = parseZone(chosen);
    setCookie(c, ZONE_COOKIE, zone.id, {
      path: "/",
      httpOnly: true,
      sameSite: "Strict",
      secure: new URL(c.req.url).protocol === "https:",
      maxAge: 365 * 24 * 60 * 60,
    });
    return zone;
  }
  try {
    return parseZone(getCookie(c, ZONE_COOKIE));
  } catch {
    return UTC;
  }
}
