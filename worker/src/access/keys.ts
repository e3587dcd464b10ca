/**
 * Keys derived from VERBATIM_SECRET, one per purpose (HMAC with a purpose label, RFC 2104 as a PRF): a MAC
 * made for one purpose (a recorder cookie) never verifies as another (a replay grant or a console session).
 * Commitments are not among them: they have a secret of their own (COMMITMENT_SECRET).
 */
export type KeyPurpose = "recorder-cookie" | "console-session" | "replay-grant" | "api-token";

const encoder = new TextEncoder();
const cache = new Map<string, Promise<CryptoKey>>();

export function purposeKey(secret: string, purpose: KeyPurpose): Promise<CryptoKey> {
  const id = `${purpose}\u0000${secret}`;
  let key = cache.get(id);
  if (!key) {
    key = (async () => {
      const root = await crypto.subtle.importKey(
        "raw",
        encoder.encode(secret),
        { name: "HMAC", hash: "SHA-256" },
        false,
        ["sign"],
      );
      const derived = await crypto.subtle.sign("HMAC", root, encoder.encode(`verbatim:${purpose}`));
      return crypto.subtle.importKey("raw", derived, { name: "HMAC", hash: "SHA-256" }, false, [
        "sign",
        "verify",
      ]);
    })();
    cache.set(id, key);
  }
  return key;
}

/** HMAC-SHA-256 of `data` under the purpose's key, base64url without padding (43 characters). */
export async function macOf(secret: string, purpose: KeyPurpose, data: string): Promise<string> {
  const key = await purposeKey(secret, purpose);
  return base64url(new Uint8Array(await crypto.subtle.sign("HMAC", key, encoder.encode(data))));
}

/**
 * Whether `mac` is the MAC of `data`. Compared as text in constant time: base64 lets several strings decode
 * to the same bytes, and only the exact string this deployment issued is accepted.
 */
export async function macMatches(
  secret: string,
  purpose: KeyPurpose,
  data: string,
  mac: string,
): Promise<boolean> {
  const given = encoder.encode(mac);
  const expected = encoder.encode(await macOf(secret, purpose, data));
  return given.byteLength === expected.byteLength && crypto.subtle.timingSafeEqual(given, expected);
}

export function base64url(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}
