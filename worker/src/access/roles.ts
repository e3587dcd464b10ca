/**
 * Access by function. Every console page and API route declares one of these roles (route-roles.ts); a
 * principal holds one or more. Deny by default: a route is open only to principals holding its role, and
 * `compliance` holds everything `support` does. `admin` manages tokens and roles and reads no archive data.
 */
export const ROLES = ["ops", "support", "compliance", "admin"] as const;
export type Role = (typeof ROLES)[number];

/** Roles a role also grants: compliance can do everything support can. */
const IMPLIES: Readonly<Record<Role, readonly Role[]>> = {
  ops: [],
  support: [],
  compliance: ["support"],
  admin: [],
};

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

/** Whether a principal holding `held` may use a route that needs `needed`. */
export function grants(held: readonly Role[], needed: Role): boolean {
  return held.some((role) => role === needed || IMPLIES[role].includes(needed));
}

/**
 * Who is asking: an identity (an Access email, a token's id and name, or a demo account), the roles it
 * holds, and how it proved it. Written to the audit log with every look.
 */
export type Principal = {
  id: string;
  roles: readonly Role[];
  via: "access" | "token" | "demo" | "break-glass";
  /** The API token behind this principal (console sessions die with it when it is revoked). */
  tokenId?: string;
};
