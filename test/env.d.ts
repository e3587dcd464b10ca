import type { D1Migration } from "cloudflare:test";
import type { Env } from "../worker/src/env.ts";

declare global {
  namespace Cloudflare {
    interface Env extends import("../worker/src/env.ts").Env {
      TEST_MIGRATIONS: D1Migration[];
      SHOP_ORIGIN: string;
      EDGE_ORIGIN: string;
    }
  }
}
export type { Env };
