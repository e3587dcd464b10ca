import { macOf } from "../access/keys.ts";
import { RECORDER_COOKIE, type CookiePair } from "../snapshot/cookies.ts";

// The name lives with the cookie parser (below both proxy/ and recorder/), so the recorder reads it without
// reaching up into the proxy.
export { RECORDER_COOKIE };

/**
 * The recorder cookie is `<32 hex>.<mac>`: 128 random bits and a MAC of them under the recorder-cookie key
 * (access/keys.ts), so only values this deployment minted name a session. Without it any client could send
 * another's value, or one of its choosing, and be recorded into that session. The MAC is cut to 22 base64url
 * characters (132 bits): a forger has one online guess per request, far beyond reach.
 */
const MAC_CHARS = 22;
const SIGNED_VALUE = /^([0-9a-f]{32})\.([A-Za-z0-9_-]{22})$/;
const encoder = new TextEncoder();

/** 128 bits from the CSPRNG, hex, signed. */
export async function newRecorderCookieValue(secret: string): Promise<string> {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return signedRecorderCookieValue(
    secret,
    Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join(""),
  );
}

/** The cookie value for a given 32-hex id. */
export async function signedRecorderCookieValue(secret: string, id: string): Promise<string> {
  return `${id}.${(await macOf(secret, "recorder-cookie", id)).slice(0, MAC_CHARS)}`;
}

/**
 * Whether this deployment minted `value`. Unsigned (the old bare hex), malformed, or signed under another key
 * or purpose: false. The MAC is compared as text in constant time.
 */
export async function isSignedRecorderCookie(secret: string, value: string): Promise<boolean> {
  const parts = SIGNED_VALUE.exec(value);
  const id = parts?.[1];
  const mac = parts?.[2];
  if (id === undefined || mac === undefined) return false;
  const expected = encoder.encode((await macOf(secret, "recorder-cookie", id)).slice(0, MAC_CHARS));
  const given = encoder.encode(mac);
  return given.byteLength === expected.byteLength && crypto.subtle.timingSafeEqual(given, expected);
}

/**
 * The recorder cookie of one request: the first one sent that verifies (a browser can send several of one
 * name, from different paths or domains), else, for a visitor whom no origin session cookie identifies
 * either, one minted now. A value that does not verify is treated as absent, as on a first visit: a new one
 * is minted and its Set-Cookie replaces it. `minted` is set only when the response must carry it.
 */
export async function recorderCookieOf(
  secret: string,
  cookies: readonly CookiePair[],
  sessionCookieNames: readonly string[],
): Promise<{ value: string | null; minted: string | null }> {
  for (const cookie of cookies) {
    if (cookie.name === RECORDER_COOKIE && (await isSignedRecorderCookie(secret, cookie.value)))
      return { value: cookie.value, minted: null };
  }
  const originSession = cookies.some((c) => c.value !== "" && sessionCookieNames.includes(c.name));
  if (originSession) return { value: null, minted: null };
  const minted = await newRecorderCookieValue(secret);
  return { value: minted, minted };
}

export function recorderSetCookie(value: string, secure: boolean): string {
  return `${RECORDER_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Lax${secure ? "; Secure" : ""}`;
}

/** Removes the recorder cookie from a Cookie header in place, leaving every other cookie byte-identical. */
export function stripCookie(headers: Headers): void {
  const cookie = headers.get("cookie");
  if (cookie === null || !cookie.includes(RECORDER_COOKIE)) return;
  const kept = cookie
    .split(";")
    .filter((pair) => pair.trim().split("=")[0] !== RECORDER_COOKIE)
    .map((pair) => pair.trim())
    .join("; ");
  if (kept === "") headers.delete("cookie");
  else headers.set("cookie", kept);
}
