import type { Role } from "./roles.ts";

/**
 * The local-dev demo credential of each role (README "Access by function"). Accepted only when the console
 * is on a loopback name and the request came to one (front/local-credentials.ts); refused on real hosts.
 */
export const DEMO_TOKEN_OF = {
  ops: "demo-ops",
  support: "demo-support",
  compliance: "demo-compliance",
  admin: "demo-admin",
} as const satisfies Record<Role, string>;
