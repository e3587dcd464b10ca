import type { TestProject } from "vitest/node";
import { startEdgeOrigin } from "../origin/edge-origin.ts";
import { startJwksOrigin } from "../origin/jwks-origin.ts";
import { startShop } from "../origin/shop-origin.ts";

declare module "vitest" {
  export interface ProvidedContext {
    shopOrigin: string;
    edgeOrigin: string;
    accessJwksOrigin: string;
  }
}

/** Real origins on loopback for the Worker under test: the demo shop and a misbehaving edge-case server. */
export default async function setup(project: TestProject) {
  const shop = await startShop();
  const edge = await startEdgeOrigin();
  const jwks = await startJwksOrigin();
  project.provide("shopOrigin", shop.url);
  project.provide("edgeOrigin", edge.url);
  project.provide("accessJwksOrigin", jwks.url);
  return async () => {
    await Promise.all([shop.close(), jwks.close(), new Promise((resolve) => edge.server.close(resolve))]);
  };
}
