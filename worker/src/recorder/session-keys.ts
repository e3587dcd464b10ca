import { RECORDER_COOKIE } from "../snapshot/cookies.ts";
import { parseCookieHeader, parseSetCookie } from "../snapshot/cookies.ts";

/**
 * The cookies that identify a visit. Only their keyed hashes leave memory: HMAC-SHA-256(secret, "name=value").
 * The first key in priority order (recorder cookie, then the origin's session cookies in configured order)
 * names a new session; every key seen, including session cookies the origin sets later (login rotating its
 * session id), is mapped to the same session so the visit stays one session. The recorder cookie comes
 * verified from the proxy (`recorderCookie`); the one in the Cookie header is never read, so a forged or
 * unsigned value names no session.
 */
export type SessionCookie = { name: string; value: string };

export function sessionCookiesOf(
  requestCookie: string | null,
  setCookies: readonly string[],
  sessionCookieNames: readonly string[],
  recorderCookie: string | null,
): { request: SessionCookie[]; issued: SessionCookie[] } {
  const present = parseCookieHeader(requestCookie);
  const request: SessionCookie[] = [];
  if (recorderCookie) request.push({ name: RECORDER_COOKIE, value: recorderCookie });
  for (const name of sessionCookieNames) {
    const cookie = present.find((c) => c.name === name);
    if (cookie && cookie.value !== "") request.push(cookie);
  }
  const issued: SessionCookie[] = [];
  for (const line of setCookies) {
    const cookie = parseSetCookie(line);
    // A Set-Cookie that deletes the cookie (empty value) starts nothing.
    if (cookie && cookie.value !== "" && sessionCookieNames.includes(cookie.name)) issued.push(cookie);
  }
  return { request, issued };
}

export async function hmacHex(secret: string, message: string): Promise<string> {
  const key = await importKey(secret);
  const mac = await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(message));
  return Array.from(new Uint8Array(mac), (b) => b.toString(16).padStart(2, "0")).join("");
}

const keyCache = new Map<string, Promise<CryptoKey>>();
function importKey(secret: string): Promise<CryptoKey> {
  let key = keyCache.get(secret);
  if (!key) {
    key = crypto.subtle.importKey(
      "raw",
      new TextEncoder().encode(secret),
      { name: "HMAC", hash: "SHA-256" },
      false,
      ["sign"],
    );
    keyCache.set(secret, key);
  }
  return key;
}

export function cookieKey(secret: string, cookie: SessionCookie): Promise<string> {
  return hmacHex(secret, `${cookie.name}=${cookie.value}`);
}

export { sessionIdFromKey } from "../snapshot/ids.ts";
