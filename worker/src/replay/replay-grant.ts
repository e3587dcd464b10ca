import { macMatches, macOf } from "../access/keys.ts";

/**
 * Replay grants: what lets a browser read one session's replay origins. The console mints a short-lived
 * entry grant for the viewer it has authenticated and puts it in the frame's URL; the replay origin checks
 * it and trades it for a grant in a cookie of its own (replay-access.ts). A grant names
 *   - its use (`e`ntry, read from a URL; `c`ookie), so a cookie's value never opens a replay as a URL,
 *   - the viewer, as a keyed hash (the identity never appears in a URL, a log line or a cookie),
 *   - its expiry, and `until`: the end the console set when it let the viewer in. Grants minted later for
 *     the same viewer (a cookie, the entry to the next page view) never outlive it, so navigating inside a
 *     replay cannot extend access the console gave,
 * and is MACed with the `replay-grant` key together with the session id. The session id is not written into
 * the token: the replay origin's host names it, and a grant for another session fails the MAC. Times are
 * ms since the epoch, base 36.
 *
 *   token = <use> "." <viewer hash> "." <expiry> "." <until> "." <mac>
 */
export type GrantUse = "entry" | "cookie";

export type VerifiedGrant = { viewerHash: string; expiresAt: number; until: number };

/** An entry grant only has to survive the frame loading; what it lets in lasts as long as a support call. */
export const ENTRY_TTL_MS = 2 * 60 * 1000;
export const COOKIE_TTL_MS = 30 * 60 * 1000;

const USE_CODES = { entry: "e", cookie: "c" } as const satisfies Record<GrantUse, string>;
/** 22 base64url characters: 132 bits of the viewer's keyed hash, plenty to tell viewers apart. */
const VIEWER_HASH_LENGTH = 22;
const TOKEN = /^([ec])\.([A-Za-z0-9_-]{22})\.([0-9a-z]{1,11})\.([0-9a-z]{1,11})\.([A-Za-z0-9_-]{43})$/;
const SESSION_ID = /^[0-9a-f]{32}$/;

/** The viewer as grants name it: a keyed hash, so a leaked URL or cookie does not say who watched. */
export async function viewerHashOf(secret: string, viewer: string): Promise<string> {
  return (await macOf(secret, "replay-grant", `viewer\u0000${viewer}`)).slice(0, VIEWER_HASH_LENGTH);
}

/**
 * A grant for `viewer` to open session `sessionId`'s replays: valid until `now + ttlMs`, and what it is
 * exchanged for until `now + COOKIE_TTL_MS` at the latest.
 */
export async function mintReplayGrant(
  secret: string,
  grant: { sessionId: string; viewer: string; now: number; ttlMs: number; use?: GrantUse },
): Promise<string> {
  const until = grant.now + Math.max(grant.ttlMs, COOKIE_TTL_MS);
  return sealGrant(secret, {
    sessionId: grant.sessionId,
    viewerHash: await viewerHashOf(secret, grant.viewer),
    expiresAt: grant.now + grant.ttlMs,
    until,
    use: grant.use ?? "entry",
  });
}

/**
 * A grant for a viewer already known by hash: the replay origin holds a verified grant and hands the same
 * viewer a cookie grant, or an entry grant to another page view of the session. Never past `until`.
 */
export async function sealGrant(
  secret: string,
  grant: { sessionId: string; viewerHash: string; expiresAt: number; until: number; use: GrantUse },
): Promise<string> {
  if (!SESSION_ID.test(grant.sessionId)) throw new Error(`not a session id: ${grant.sessionId}`);
  if (grant.viewerHash.length !== VIEWER_HASH_LENGTH) throw new Error("not a viewer hash");
  const until = Math.floor(grant.until).toString(36);
  const expiry = Math.floor(Math.min(grant.expiresAt, grant.until)).toString(36);
  const data = signed(grant.use, grant.sessionId, grant.viewerHash, expiry, until);
  return `${USE_CODES[grant.use]}.${grant.viewerHash}.${expiry}.${until}.${await macOf(secret, "replay-grant", data)}`;
}

/**
 * The grant `token` carries for session `sessionId`, or null when it is malformed, made for another use or
 * another session, tampered with, or expired at `now`.
 */
export async function verifyReplayGrant(
  secret: string,
  token: string,
  sessionId: string,
  now: number,
  use: GrantUse = "entry",
): Promise<VerifiedGrant | null> {
  const match = TOKEN.exec(token);
  if (!match || !SESSION_ID.test(sessionId)) return null;
  const [, code, viewerHash = "", expiry = "", untilText = "", mac = ""] = match;
  if (code !== USE_CODES[use]) return null;
  const expiresAt = parseInt(expiry, 36);
  const until = parseInt(untilText, 36);
  if (!Number.isSafeInteger(expiresAt) || !Number.isSafeInteger(until) || expiresAt <= now) return null;
  const data = signed(use, sessionId, viewerHash, expiry, untilText);
  if (!(await macMatches(secret, "replay-grant", data, mac))) return null;
  return { viewerHash, expiresAt, until };
}

function signed(use: GrantUse, sessionId: string, viewerHash: string, expiry: string, until: string): string {
  return ["grant", use, sessionId, viewerHash, expiry, until].join("\u0000");
}
