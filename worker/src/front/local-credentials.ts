import type { Config } from "../config/config.ts";
import { isLoopbackHost } from "../config/sites.ts";
import { DEMO_TOKEN_OF } from "../access/demo-tokens.ts";
import type { Principal, Role } from "../access/roles.ts";

/**
 * Credentials that need no setup, for local dev only (README "Access by function"): one demo token per role
 * (access/demo-tokens.ts), and the ADMIN_TOKEN break-glass secret. Demo tokens work only when the console is
 * on a loopback name AND the request came to a loopback name: a deployment on real hosts refuses them
 * whatever its configuration says.
 */
const DEMO_TOKENS: ReadonlyMap<string, Role> = new Map(
  Object.entries(DEMO_TOKEN_OF).map(([role, token]) => [token, role as Role]),
);

/** Break-glass secrets weaker than this are refused outside local dev (the demo value `dev-token` included). */
export const MIN_BREAK_GLASS_LENGTH = 32;

export function demoPrincipal(token: string, config: Config, requestHost: string): Principal | null {
  const role = DEMO_TOKENS.get(token);
  if (role === undefined || !config.local || !isLoopbackHost(requestHost)) return null;
  return { id: `demo:${role}`, roles: [role], via: "demo" };
}

/** Whether ADMIN_TOKEN may be used here. Locally, whatever its value; outside, only a long random-looking one. */
export function breakGlassUsable(config: Config): boolean {
  const token = config.adminToken;
  if (token === null) return false;
  if (config.local) return true;
  return token.length >= MIN_BREAK_GLASS_LENGTH && new Set(token).size >= 12;
}

/** The admin principal behind ADMIN_TOKEN. It manages tokens and roles and reads no archive data. */
export const BREAK_GLASS: Principal = { id: "break-glass", roles: ["admin"], via: "break-glass" };
