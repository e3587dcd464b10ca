import type { Context, MiddlewareHandler } from "hono";
import type { Config } from "../config/config.ts";
import { VerbatimError } from "../errors/verbatim-error.ts";
import { log } from "../log/log.ts";
import type { AccessEnv } from "./access-env.ts";
import { auditQuietly } from "./audit-look.ts";
import { clientOf } from "./client.ts";
import { AccessJwtError, accessKeys, verifyAccessJwt } from "../access/access-jwt.ts";
import { parseAccessRoles, rolesFor } from "../access/access-roles.ts";
import { ApiTokenStore, looksLikeApiToken } from "../access/api-tokens.ts";
import { consoleSessionPrincipal } from "../access/console-session.ts";
import { BREAK_GLASS, breakGlassUsable, demoPrincipal } from "./local-credentials.ts";
import type { Principal } from "../access/roles.ts";

/**
 * Who is asking, from (in this order) a Cloudflare Access JWT, a bearer token (a scoped API token, a local
 * demo token, or the ADMIN_TOKEN break-glass secret), or the console's sign-in cookie. A credential that is
 * given and fails is counted against the client (AUTH_LIMIT); once over the limit the client is refused
 * (429) before any credential is checked, so guessing costs time. No credential at all is not a failure:
 * the route's guard decides (route-access.ts).
 */
export const authenticate: MiddlewareHandler<AccessEnv> = async function authenticate(c, next) {
  const config = c.get("config");
  const now = Date.now();
  const client = clientOf(c);
  if (blockedUntil(client) > now)
    throw new VerbatimError(
      "rate_limited",
      "too many failed sign-ins from this client; try again in a minute",
    );
  const outcome = await identify(c, config, now);
  if (outcome === "failed") {
    await countFailure(c, client, now);
    c.set("principal", null);
  } else c.set("principal", outcome);
  await next();
};

export { clientOf };

async function identify(
  c: Context<AccessEnv>,
  config: Config,
  now: number,
): Promise<Principal | null | "failed"> {
  const jwt = c.req.header("cf-access-jwt-assertion");
  if (jwt !== undefined && config.access !== null) {
    const principal = await accessPrincipal(jwt, config.access);
    if (principal !== null) return principal;
    return "failed";
  }
  const authorization = c.req.header("authorization");
  if (authorization !== undefined) {
    const token = /^Bearer\s+(\S+)\s*$/i.exec(authorization)?.[1] ?? "";
    return (await tokenPrincipal(token, config, c.env.DB, new URL(c.req.url).host, now)) ?? "failed";
  }
  const session = await consoleSessionPrincipal(c, config.secret, now);
  // A console session opened with an API token ends when the token is revoked or expires.
  if (session?.tokenId !== undefined && !(await new ApiTokenStore(c.env.DB).isActive(session.tokenId, now)))
    return null;
  return session;
}

async function accessPrincipal(
  jwt: string,
  access: NonNullable<Config["access"]>,
): Promise<Principal | null> {
  const map = parseAccessRoles(access.roles);
  if (!map.ok) return null;
  try {
    const identity = await verifyAccessJwt(jwt, access, accessKeys(access.teamDomain));
    const roles = rolesFor(map.map, identity);
    if (roles.length === 0) return null;
    const id = identity.email ?? `service:${identity.commonName ?? identity.sub}`;
    return { id, roles, via: "access" };
  } catch (error) {
    // Access's keys out of reach is an outage, not a bad credential: say so and count nothing.
    if (error instanceof AccessJwtError && error.reason === "keys-unavailable")
      throw new VerbatimError(
        "storage_unavailable",
        "Cloudflare Access keys cannot be fetched; try again shortly",
      );
    log("warn", "access_jwt_refused", {
      reason: error instanceof Error && "reason" in error ? String(error.reason) : "error",
    });
    return null;
  }
}

/** The principal a bearer token (or a token typed into the sign-in form) stands for, or null. */
export async function tokenPrincipal(
  token: string,
  config: Config,
  db: D1Database,
  requestHost: string,
  now: number,
): Promise<Principal | null> {
  if (token === "") return null;
  if (looksLikeApiToken(token)) return new ApiTokenStore(db).principalFor(token, now);
  const demo = demoPrincipal(token, config, requestHost);
  if (demo !== null) return demo;
  if (breakGlassUsable(config) && config.adminToken !== null && (await sameSecret(token, config.adminToken)))
    return BREAK_GLASS;
  return null;
}

/** Compares digests, so neither length nor content leaks through timing. */
async function sameSecret(a: string, b: string): Promise<boolean> {
  const encoder = new TextEncoder();
  const [da, db] = await Promise.all([
    crypto.subtle.digest("SHA-256", encoder.encode(a)),
    crypto.subtle.digest("SHA-256", encoder.encode(b)),
  ]);
  return crypto.subtle.timingSafeEqual(da, db);
}

/**
 * Clients refused until a time, in this isolate. The rate limiter is shared across isolates but can only be
 * asked by spending a unit, so a client it refused is remembered here for the limiter's period: the next
 * guesses are refused before any credential is looked at.
 */
const blocked = new Map<string, number>();
const BLOCK_MS = 60_000;
const MAX_BLOCKED = 10_000;

function blockedUntil(client: string): number {
  return blocked.get(client) ?? 0;
}

/**
 * Counts one failed authentication and writes it to the audit log (who tried is unknown: where from and
 * how is what compliance gets); throws 429 once the client is over AUTH_LIMIT. Only failures within the
 * limit, and the one that reaches it, are written: past it the client is refused before it can fail again,
 * so nobody can fill the log by failing.
 */
export async function countFailure(c: Context<AccessEnv>, client: string, now: number): Promise<void> {
  log("warn", "auth_failed");
  const how =
    c.req.header("cf-access-jwt-assertion") !== undefined
      ? "access"
      : c.req.header("authorization") !== undefined
        ? "bearer"
        : "sign-in form";
  const limiter = c.env.AUTH_LIMIT;
  const { success } =
    limiter === undefined ? { success: true } : await limiter.limit({ key: `auth:${client}` });
  await auditQuietly(c, "auth.failed", null, { how, limited: !success });
  if (success) return;
  if (blocked.size >= MAX_BLOCKED) blocked.clear();
  blocked.set(client, now + BLOCK_MS);
  throw new VerbatimError("rate_limited", "too many failed sign-ins from this client; try again in a minute");
}
