import { parseCookieHeader } from "../snapshot/cookies.ts";

/**
 * Which recording shard takes an exchange: the same cookie the session is named after (the verified
 * recorder cookie, else the origin's session cookies in configured order) picks the same shard, so one visit's
 * exchanges meet in one shard's memory (session keys, learned forms, known bodies). Only the shard number
 * leaves the isolate, never the cookie. A visitor without cookies goes to any shard: each of its exchanges is
 * a session of its own anyway.
 */
export function shardOf(
  cookieHeader: string | null,
  recorderCookie: string | null,
  sessionCookieNames: readonly string[],
  shards: number,
): number {
  const value = visitCookieOf(cookieHeader, recorderCookie, sessionCookieNames);
  if (value === null) return Math.floor(Math.random() * shards);
  return fnv1a(value) % shards;
}

/**
 * The cookie value that names a visit: the recorder cookie (minted now, or sent back and verified by the
 * proxy: proxy/recorder-cookie.ts), else the origin's first session cookie in configured order; null for a
 * visitor without either. The Cookie header's own recorder cookie is never read here: an unverified value
 * must not group one client's exchanges with another's.
 */
export function visitCookieOf(
  cookieHeader: string | null,
  recorderCookie: string | null,
  sessionCookieNames: readonly string[],
): string | null {
  const cookies = parseCookieHeader(cookieHeader);
  return (
    recorderCookie ??
    sessionCookieNames.map((name) => cookies.find((c) => c.name === name && c.value !== "")).find(Boolean)
      ?.value ??
    null
  );
}

/** FNV-1a, 32 bits: spreads cookie values evenly; not a secret, not a digest. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

export function shardName(shard: number): string {
  return `shard-${shard}`;
}
