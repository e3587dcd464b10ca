import type { D1Migration } from "cloudflare:test";
import type { Env as WorkerEnv } from "../worker/src/env.ts";

declare global {
  namespace Cloudflare {
    interface Env extends WorkerEnv {
      TEST_MIGRATIONS: D1Migration[];
      SHOP_ORIGIN: string;
      EDGE_ORIGIN: string;
      /** A stand-in Access team domain serving a key set the test publishes (test/origin/jwks-origin.ts). */
      ACCESS_TEST_JWKS_ORIGIN: string;
      /** A second stand-in team domain, for the console's Access end to end (test/access/access-door.test.ts). */
      ACCESS_TEST_TEAM_ORIGIN: string;
      /** A second index partition (vitest.config.ts). */
      DB_2025: D1Database;
    }
  }
}
export {};
