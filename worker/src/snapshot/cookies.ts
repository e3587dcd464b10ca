/**
 * The recorder's own first-party session cookie, set only when the visitor carries none of the origin's
 * session cookies, so that a visitor's first page is already in a session. It is removed from the request
 * before it reaches the origin: the site never sees it.
 */
export const RECORDER_COOKIE = "__verbatim_sid";

/** Cookie header parsing (RFC 6265 §5.4 for Cookie, §5.2 for Set-Cookie): names and values only. */
export type CookiePair = { name: string; value: string };

export function parseCookieHeader(header: string | null): CookiePair[] {
  if (!header) return [];
  const pairs: CookiePair[] = [];
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq <= 0) continue;
    pairs.push({ name: part.slice(0, eq).trim(), value: part.slice(eq + 1).trim() });
  }
  return pairs;
}

/** The name and value of one Set-Cookie line (attributes ignored). */
export function parseSetCookie(line: string): CookiePair | null {
  const first = line.split(";")[0] ?? "";
  const eq = first.indexOf("=");
  if (eq <= 0) return null;
  return { name: first.slice(0, eq).trim(), value: first.slice(eq + 1).trim() };
}
