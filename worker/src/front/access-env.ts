import type { Config } from "../config/config.ts";
import type { Env } from "../env.ts";
import type { Principal } from "../access/roles.ts";

/**
 * What every handler on the console's host has: the bindings, the config (built once per request by the
 * host's first middleware and passed down), and the principal asking (null: no credential, or one that
 * failed). Console pages and API routes are both front ends over this.
 */
export type AccessEnv = {
  Bindings: Env;
  Variables: { config: Config; principal: Principal | null };
};
