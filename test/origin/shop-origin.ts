import { serve } from "@hono/node-server";
import { createShop } from "../../examples/shop/src/app.ts";

/** The bundled demo shop on a loopback port, as `npm start` runs it. */
export function startShop(port = 0): Promise<{ url: string; close: () => Promise<void> }> {
  const app = createShop();
  return new Promise((resolve) => {
    const server = serve({ fetch: app.fetch, port, hostname: "127.0.0.1" }, (info) => {
      resolve({
        url: `http://127.0.0.1:${info.port}`,
        close: () => new Promise((done) => server.close(() => done())),
      });
    });
  });
}
