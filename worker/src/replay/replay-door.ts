import { GUARD_SCRIPT } from "./egress-guard.ts";
import { grantCookie, samePath } from "./replay-access.ts";
import { sealGrant, verifyReplayGrant } from "./replay-grant.ts";
import { replayOnlyHeaders } from "./replay-headers.ts";
import type { ReplayTarget } from "./replay-host.ts";
import { pageResponse, type ResponseContext } from "./replay-response.ts";

// The door of every replay origin: the grant exchange, the one refusal page, and the egress guard's script.

/**
 * The grant endpoint: an entry grant from the console's frame URL, checked against the session in the host,
 * becomes a cookie grant on this origin, and the browser goes on to the page (a path on this origin only).
 */
export async function exchangeGrant(
  url: URL,
  target: ReplayTarget,
  secret: string,
  now: number,
  bare: Pick<ResponseContext, "request" | "navigation" | "frameAncestors">,
): Promise<Response> {
  const entry = await verifyReplayGrant(
    secret,
    url.searchParams.get("g") ?? "",
    target.sessionId,
    now,
    "entry",
  );
  if (!entry) {
    return noGrantPage(bare, "This replay link has expired or belongs to another session.");
  }
  const cookie = await sealGrant(secret, {
    sessionId: target.sessionId,
    viewerHash: entry.viewerHash,
    expiresAt: entry.until,
    until: entry.until,
    use: "cookie",
  });
  const headers = replayOnlyHeaders({
    frameAncestors: bare.frameAncestors,
    outcome: "grant",
    exchangeId: null,
  });
  headers.append("set-cookie", grantCookie(cookie, entry.until, now));
  headers.set("location", samePath(url.searchParams.get("to")));
  // 303: whatever the method, the browser goes on with a GET of the page (RFC 9110 §15.4.4).
  return new Response(null, { status: 303, headers });
}

/** Every refusal for want of a grant: the same page, so it tells nothing about the session or page view. */
export function noGrantPage(
  bare: Pick<ResponseContext, "request" | "navigation" | "frameAncestors">,
  why: string,
): Response {
  return pageResponse(
    bare,
    {
      status: 403,
      title: "Open this replay from the console",
      message: `${why} Replays open only inside the Verbatim console, for a signed-in viewer.`,
      back: null,
    },
    "no-grant",
  );
}

export function guardResponse(frameAncestors: readonly string[]): Response {
  const headers = replayOnlyHeaders({ frameAncestors, outcome: "guard", exchangeId: null });
  headers.set("content-type", "text/javascript; charset=utf-8");
  headers.set("x-content-type-options", "nosniff");
  return new Response(GUARD_SCRIPT, { status: 200, headers });
}
