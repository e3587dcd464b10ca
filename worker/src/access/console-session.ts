import type { Context } from "hono";
import { deleteCookie, getSignedCookie, setSignedCookie } from "hono/cookie";
import { macOf } from "./keys.ts";
import { isRole, type Principal } from "./roles.ts";

/**
 * The console's sign-in cookie. Browsers cannot send a bearer header on a navigation, so after one sign-in
 * with a token the console holds the principal (id, roles, the token behind it, expiry), signed with hono's
 * signed-cookie helper under a key derived for this purpose. The token itself never sits in a cookie jar.
 * Sessions opened with an API token end when it is revoked or expires (authenticate.ts checks it).
 */
/** On https it gets the `__Host-` prefix, which pins it to the console's host: no subdomain can set it. */
export const CONSOLE_COOKIE = "verbatim_console";
const NAME = CONSOLE_COOKIE;
export const CONSOLE_SESSION_MS = 8 * 60 * 60 * 1000;

type Claims = { id: string; roles: string[]; via: Principal["via"]; tokenId?: string; exp: number };

async function signingSecret(secret: string): Promise<string> {
  return macOf(secret, "console-session", "hono-signed-cookie");
}

export async function openConsoleSession(
  c: Context,
  secret: string,
  principal: Principal,
  now: number,
): Promise<void> {
  const claims: Claims = {
    id: principal.id,
    roles: [...principal.roles],
    via: principal.via,
    ...(principal.tokenId ? { tokenId: principal.tokenId } : {}),
    exp: now + CONSOLE_SESSION_MS,
  };
  await setSignedCookie(c, NAME, btoa(JSON.stringify(claims)), await signingSecret(secret), {
    path: "/",
    httpOnly: true,
    sameSite: "Strict",
    secure: new URL(c.req.url).protocol === "https:",
    maxAge: CONSOLE_SESSION_MS / 1000,
    ...(new URL(c.req.url).protocol === "https:" ? { prefix: "host" as const } : {}),
  });
}

export function closeConsoleSession(c: Context): void {
  const secure = new URL(c.req.url).protocol === "https:";
  deleteCookie(c, NAME, { path: "/", secure });
  if (secure) deleteCookie(c, NAME, { path: "/", secure: true, prefix: "host" });
}

/** The principal a console cookie carries, or null: absent, tampered, malformed or expired. */
export async function consoleSessionPrincipal(
  c: Context,
  secret: string,
  now: number,
): Promise<Principal | null> {
  const https = new URL(c.req.url).protocol === "https:";
  const value = https
    ? await getSignedCookie(c, await signingSecret(secret), NAME, "host")
    : await getSignedCookie(c, await signingSecret(secret), NAME);
  if (typeof value !== "string") return null;
  let claims: Claims;
  try {
    claims = JSON.parse(atob(value)) as Claims;
  } catch {
    return null;
  }
  // The signature covers the expiry, so one far in the future can only come from a clock gone wrong.
  if (typeof claims.exp !== "number" || claims.exp <= now || claims.exp > now + CONSOLE_SESSION_MS)
    return null;
  const roles = Array.isArray(claims.roles) ? claims.roles.filter(isRole) : [];
  if (typeof claims.id !== "string" || roles.length === 0) return null;
  return {
    id: claims.id,
    roles,
    via: claims.via,
    ...(typeof claims.tokenId === "string" ? { tokenId: claims.tokenId } : {}),
  };
}
