/**
 * The console's login cookie. Browsers cannot send the bearer header on a navigation, so after one login with
 * ADMIN_TOKEN the console holds `<expiry>.<mac>` with mac = HMAC-SHA-256(VERBATIM_SECRET, "console:" + token
 * + ":" + expiry). The token itself never sits in a cookie jar; a stolen cookie dies at its expiry; rotating
 * either ADMIN_TOKEN or VERBATIM_SECRET signs every console out. Stateless, so logout only clears the
 * browser's copy: a copied cookie stays valid until it expires (8 h).
 */
export const CONSOLE_COOKIE = "verbatim_console";
export const CONSOLE_SESSION_MS = 8 * 60 * 60 * 1000;

const VALUE = /^(\d{1,15})\.([A-Za-z0-9_-]{43})$/;
const encoder = new TextEncoder();

export type ConsoleKeys = { secret: string; token: string };

export async function issueConsoleSession(keys: ConsoleKeys, now: number): Promise<string> {
  const expiry = now + CONSOLE_SESSION_MS;
  return `${expiry}.${base64url(await mac(keys, expiry))}`;
}

/** True only for a cookie this deployment issued, unexpired, under the current token and secret. */
export async function verifyConsoleSession(
  keys: ConsoleKeys,
  value: string | undefined,
  now: number,
): Promise<boolean> {
  const match = VALUE.exec(value ?? "");
  if (!match?.[1] || !match[2]) return false;
  const expiry = Number(match[1]);
  // The MAC covers the expiry, so a far-future one can only come from a clock gone wrong: refuse it too.
  if (expiry <= now || expiry > now + CONSOLE_SESSION_MS) return false;
  // Compared as text: base64 lets several strings decode to the same bytes (the last character's spare
  // bits), and only the exact string this deployment issued is accepted.
  const given = encoder.encode(match[2]);
  const expected = encoder.encode(base64url(await mac(keys, expiry)));
  return given.byteLength === expected.byteLength && crypto.subtle.timingSafeEqual(given, expected);
}

async function mac(keys: ConsoleKeys, expiry: number): Promise<ArrayBuffer> {
  const key = await crypto.subtle.importKey(
    "raw",
    encoder.encode(keys.secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  return crypto.subtle.sign("HMAC", key, encoder.encode(`console:${keys.token}:${expiry}`));
}

function base64url(bytes: ArrayBuffer): string {
  return btoa(String.fromCharCode(...new Uint8Array(bytes)))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");
}
