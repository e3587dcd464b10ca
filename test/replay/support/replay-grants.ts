import { env } from "cloudflare:test";
import { GRANT_COOKIE } from "../../../worker/src/replay/replay-access.ts";
import {
  COOKIE_TTL_MS,
  mintReplayGrant,
  sealGrant,
  viewerHashOf,
} from "../../../worker/src/replay/replay-grant.ts";

/** The recorder's key in the workerd suite (vitest.config.ts). */
export const SECRET = env.VERBATIM_SECRET ?? "";
export const VIEWER = "support@example.com";

/** A cookie grant for `viewer` on session `sessionId`, as the grant endpoint would have set it. */
export async function grantCookieFor(
  sessionId: string,
  viewer: string = VIEWER,
  options: { now?: number; ttlMs?: number } = {},
): Promise<string> {
  const now = options.now ?? Date.now();
  const until = now + (options.ttlMs ?? COOKIE_TTL_MS);
  const token = await sealGrant(SECRET, {
    sessionId,
    viewerHash: await viewerHashOf(SECRET, viewer),
    expiresAt: until,
    until,
    use: "cookie",
  });
  return `${GRANT_COOKIE}=${token}`;
}

/** An entry grant, as the console puts in a frame's URL. */
export function entryGrantFor(sessionId: string, viewer: string = VIEWER, now = Date.now()): Promise<string> {
  return mintReplayGrant(SECRET, { sessionId, viewer, now, ttlMs: 2 * 60 * 1000 });
}
