import type { TestProject } from "vitest/node";
import { startEdgeOrigin } from "../origin/edge-origin.ts";
import { startJwksOrigin } from "../origin/jwks-origin.ts";
import { startShop } from "../origin/shop-origin.ts";

declare module "vitest" {
  export interface ProvidedContext {
    shopOrigin: string;
    edgeOrigin: string;
    accessJwksOrigin: string;
    accessTeamOrigin: string;
  }
}

/** Real origins on loopback for the Worker under test: the demo shop and a misbehaving edge-case server. */
export default async function setup(project: TestProject) {
  const shop = await startShop();
  const edge = await startEdgeOrigin();
  const jwks = await startJwksOrigin();
  // A second stand-in team, for the end-to-end test: each test file publishes its own keys to its own server.
  const team = await startJwksOrigin();
  project.provide("shopOrigin", shop.url);
  project.provide("edgeOrigin", edge.url);
  project.provide("accessJwksOrigin", jwks.url);
  project.provide("accessTeamOrigin", team.url);
  return async () => {
    await Promise.all([
      shop.close(),
      jwks.close(),
      team.close(),
      new Promise((resolve) => edge.server.close(resolve)),
    ]);
  };
}
