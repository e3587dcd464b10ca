/**
 * Runs the demo shop on Node: `node examples/shop/server.ts` (Node 24 strips the types).
 *   SHOP_PORT     port to listen on, default 8080
 *   SHOP_VERSION  "v1" or "v2", default "v1"
 * POST /__shop/version with body "v1" or "v2" switches the live release, so a test can change the site
 * after recording it. Both releases share one store: a switch does not sign anyone out.
 */
import { serve } from "@hono/node-server";
import { createShop } from "./src/app.ts";
import { createShopStore } from "./src/session.ts";
import { isVersion } from "./src/version.ts";
import type { Version } from "./src/version.ts";

const port = Number(process.env["SHOP_PORT"] ?? "8080");
const initial = process.env["SHOP_VERSION"] ?? "v1";
if (!isVersion(initial)) throw new Error(`SHOP_VERSION must be v1 or v2, got ${JSON.stringify(initial)}`);

const store = createShopStore();
const releases = { v1: createShop({ version: "v1", store }), v2: createShop({ version: "v2", store }) };
let current: Version = initial;

/** The control endpoint lives here, not in createShop(), so the recorded site itself never exposes it. */
async function control(request: Request): Promise<Response> {
  if (request.method === "GET") return new Response(current, { headers: { "Content-Type": "text/plain" } });
  if (request.method !== "POST")
    return new Response("method not allowed", { status: 405, headers: { Allow: "GET, POST" } });
  const requested = (await request.text()).trim();
  if (!isVersion(requested)) return new Response("body must be v1 or v2", { status: 400 });
  current = requested;
  console.log(`demo shop now serving ${current}`);
  return new Response(current, { headers: { "Content-Type": "text/plain" } });
}

serve(
  {
    fetch: (request) =>
      new URL(request.url).pathname === "/__shop/version"
        ? control(request)
        : releases[current].fetch(request),
    port,
    hostname: "127.0.0.1",
  },
  (info) => console.log(`demo shop listening on http://127.0.0.1:${info.port} (${current})`),
);
