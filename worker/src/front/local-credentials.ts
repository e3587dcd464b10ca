import type { Config } from "../config/config.ts";
import { isLoopbackHost } from "../config/sites.ts";
import type { Principal, Role } from "../access/roles.ts";

/**
 * Credentials that need no setup, for local dev only (README "Console"): one demo token per role, and the
 * ADMIN_TOKEN break-glass secret. Demo tokens work only when the console is on a loopback name AND the
 * request came to a loopback name: a deployment on real hosts refuses them whatever its configuration says.
 */
export const DEMO_TOKENS: Readonly<Record<string, Role>> = {
  "demo-ops": "ops",
  "demo-support": "support",
  "demo-compliance": "compliance",
  "demo-admin": "admin",
};

/** Break-glass secrets weaker than this are refused outside local dev (the demo value `dev-token` included). */
export const MIN_BREAK_GLASS_LENGTH = 32;

export function demoPrincipal(token: string, config: Config, requestHost: string): Principal | null {
  const role = Object.hasOwn(DEMO_TOKENS, token) ? DEMO_TOKENS[token] : undefined;
  if (role === undefined || !config.local || !isLoopbackHost(requestHost)) return null;
  return { id: `demo:${role}`, roles: [role], via: "demo" };
}

/** Whether ADMIN_TOKEN may be used here: any value locally; outside, only a long random-looking one. */
export function breakGlassUsable(config: Config): boolean {
  const token = config.adminToken;
  if (token === null) return false;
  if (config.local) return true;
  return token.length >= MIN_BREAK_GLASS_LENGTH && new Set(token).size >= 12;
}

/** The admin principal behind ADMIN_TOKEN. It manages tokens and roles and reads no archive data. */
export const BREAK_GLASS: Principal = { id: "break-glass", roles: ["admin"], via: "break-glass" };
