import type { ShopStore } from "./session.ts";
import type { Version } from "./version.ts";

/** What every route module needs: which release to serve, the clock, and the in-memory store. */
export type ShopContext = {
  readonly version: Version;
  readonly now: () => Date;
  readonly store: ShopStore;
};
