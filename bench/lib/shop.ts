import { serve } from "@hono/node-server";
import { createShop } from "../../examples/shop/src/app.ts";

export type RunningShop = { url: string; close: () => Promise<void> };

/** The demo shop on a loopback port (the origin both Workers proxy to), as `npm run dev:shop` runs it. */
export function startShop(): Promise<RunningShop> {
  const app = createShop();
  return new Promise((resolve) => {
    const server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, (info) => {
      resolve({
        url: `http://127.0.0.1:${info.port}`,
        close: () => new Promise((done) => server.close(() => done())),
      });
    });
  });
}
