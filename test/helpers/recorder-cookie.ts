import { env } from "cloudflare:test";
import { RECORDER_COOKIE, signedRecorderCookieValue } from "../../worker/src/proxy/recorder-cookie.ts";

/**
 * A recorder cookie value the test deployment itself would mint (signed under vitest.config.ts's
 * VERBATIM_SECRET), for a fixed id derived from `label`: the same label always gives the same value, so a
 * test can pick visitors whose sessions land on known shards.
 */
export async function signedSid(label: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(label)));
  const id = Array.from(digest.subarray(0, 16), (b) => b.toString(16).padStart(2, "0")).join("");
  return signedRecorderCookieValue(env.VERBATIM_SECRET ?? "", id);
}

/** `{ cookie: "__verbatim_sid=<signed value>" }` for request headers. */
export async function sidCookie(label: string): Promise<{ cookie: string }> {
  return { cookie: `${RECORDER_COOKIE}=${await signedSid(label)}` };
}
