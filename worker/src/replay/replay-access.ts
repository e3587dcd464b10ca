import { replayLabel, type ReplayTarget } from "./replay-host.ts";

/**
 * Who may read a replay origin, and how: the rules around a replay grant (replay-grant.ts) that are about
 * HTTP. The console frames `GRANT_PATH?g=<entry grant>&to=<path>`; the replay origin answers with a cookie
 * grant and a redirect to the page. Everything else on the origin needs that cookie.
 */
export const GRANT_PATH = "/__verbatim-replay/grant";

/**
 * `__Host-`: the browser takes the cookie only from this exact origin, Secure, with Path=/ and no Domain, so
 * no other replay origin (another page view, another session) can set or shadow it. Partitioned (CHIPS):
 * the replay is framed by the console, a cross-site top level, so this is a third-party cookie; partitioned,
 * it is kept apart per top-level site and survives third-party cookie blocking. Chromium treats
 * http://*.localhost as a secure context, so the same attributes work in local dev.
 */
export const GRANT_COOKIE = "__Host-verbatim-replay";

/** The cookie holding a cookie grant, kept by the browser until the grant's `until`. */
export function grantCookie(token: string, until: number, now: number): string {
  const maxAge = Math.max(0, Math.floor((until - now) / 1000));
  return `${GRANT_COOKIE}=${token}; Max-Age=${maxAge}; Path=/; HttpOnly; Secure; SameSite=None; Partitioned`;
}

/** The grant cookie's value, or null. A page cannot set this cookie (HttpOnly, and recorded Set-Cookie is dropped). */
export function grantFromCookie(cookieHeader: string | null): string | null {
  for (const part of (cookieHeader ?? "").split(";")) {
    const at = part.indexOf("=");
    if (at > 0 && part.slice(0, at).trim() === GRANT_COOKIE) return part.slice(at + 1).trim();
  }
  return null;
}

/**
 * The URL that opens `target` at `path` with an entry grant: what the console frames, and where a redirect
 * to another page view of the session goes. `requestUrl` lends its scheme and port.
 */
export function entryUrl(
  target: ReplayTarget,
  path: string,
  grant: string,
  requestUrl: string,
  replayHost: string,
): string {
  const here = new URL(requestUrl);
  const query = new URLSearchParams({ g: grant, to: samePath(path) });
  return `${here.protocol}//${replayLabel(target)}.${replayHost}${here.port ? `:${here.port}` : ""}${GRANT_PATH}?${query}`;
}

/**
 * Where the grant endpoint may send the browser: a path on this origin only. Anything that would leave it
 * (`//evil.example`, `/\evil.example`, `https://…`, a control character browsers strip) becomes `/`.
 */
export function samePath(to: string | null): string {
  const BASE = "https://replay.invalid";
  if (to === null || !to.startsWith("/") || /[\u0000-\u001f\\]/.test(to)) return "/";
  let url: URL;
  try {
    url = new URL(to, BASE);
  } catch {
    return "/";
  }
  const path = url.pathname + url.search;
  // `/.//evil.example` resolves to the path `//evil.example`, which a Location header reads as a host.
  return url.origin === BASE && !path.startsWith("//") ? path : "/";
}

/**
 * Fetch Metadata destinations replay refuses, and why (Fetch §3.2 `Sec-Fetch-Dest`). A replayed page is shown
 * only inside the console's frame: at the top level, nothing stops its scripts navigating to the live site
 * or opening windows (the console's sandbox and frame-src are what do). Browsers send Fetch Metadata to
 * every secure origin (https, *.localhost); a request without it is not from one and is refused too.
 */
export const REFUSED_DESTINATIONS = {
  document: "a replay opens only inside the console's frame, never as a page of its own",
  "": "the request carries no Fetch Metadata (Sec-Fetch-Dest), so it cannot be told apart from a top-level visit",
} as const satisfies Record<string, string>;

export function refusedDestination(headers: Headers): string | null {
  const dest = (headers.get("sec-fetch-dest") ?? "").toLowerCase();
  return Object.hasOwn(REFUSED_DESTINATIONS, dest)
    ? REFUSED_DESTINATIONS[dest as keyof typeof REFUSED_DESTINATIONS]
    : null;
}
