import type { Env } from "../env.ts";
import { parseAccessRoles } from "../access/access-roles.ts";

export type AccessConfig = { teamDomain: string; audience: string; roles: string };

/**
 * Cloudflare Access in front of the console: ACCESS_TEAM_DOMAIN, ACCESS_AUD and ACCESS_ROLES together, or
 * none of them. Problems are added to `errors` (the config check shows them all at once).
 */
export function parseAccess(env: Env, local: boolean, errors: string[]): AccessConfig | null {
  const accessParts = [env.ACCESS_TEAM_DOMAIN, env.ACCESS_AUD, env.ACCESS_ROLES].map((v) => (v ?? "").trim());
  if (accessParts.some((v) => v !== "")) {
    const [teamDomain = "", audience = "", roles = ""] = accessParts;
    // Locally (console on a loopback name) a stand-in team on loopback is allowed, for tests and trials.
    const standIn = local && /^http:\/\/(127\.0\.0\.1|localhost):\d{1,5}$/.test(teamDomain);
    if (!standIn && !/^https:\/\/[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(teamDomain))
      errors.push(
        `ACCESS_TEAM_DOMAIN must be your Access team's URL, such as https://acme.cloudflareaccess.com, got "${env.ACCESS_TEAM_DOMAIN}"`,
      );
    if (!/^[A-Za-z0-9]{16,128}$/.test(audience))
      errors.push(`ACCESS_AUD must be the Access application's audience tag (hex), got "${env.ACCESS_AUD}"`);
    if (roles === "")
      errors.push("ACCESS_ROLES must map Access groups or emails to roles when Access is used");
    else {
      const parsedRoles = parseAccessRoles(roles);
      if (!parsedRoles.ok) errors.push(...parsedRoles.errors);
    }
    return { teamDomain, audience, roles };
  }
  return null;
}
