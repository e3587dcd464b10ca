import type { Hono } from "hono";
import policyFile from "verbatim-policy";
import { loadConfig } from "../config/config.ts";
import type { AccessEnv } from "../front/access-env.ts";
import { route } from "../front/route-access.ts";
import { health } from "./health.ts";

/**
 * What ops read (ops role): health with the traffic counters, the effective configuration without its
 * secrets, and the masking policy the Worker was built with. None of it carries visitor data.
 */
export function opsApi(app: Hono<AccessEnv>): void {
  // Health reports config errors, so it reads the parse result rather than the console host's config.
  route(app, "GET", "/health", "ops", async (c) => c.json(await health(loadConfig(c.env), c.env)));

  route(app, "GET", "/config", "ops", (c) => {
    const { secret, commitmentSecret, adminToken, origin, access, ...rest } = c.get("config");
    return c.json({
      ...rest,
      origin: origin?.href ?? null,
      access: access
        ? { teamDomain: access.teamDomain, audience: access.audience, roles: access.roles }
        : null,
      secrets: {
        VERBATIM_SECRET: secret.length > 0,
        COMMITMENT_SECRET: commitmentSecret !== null,
        ADMIN_TOKEN: adminToken !== null,
      },
    });
  });

  route(app, "GET", "/policy", "ops", (c) => c.json(policyFile));
}
