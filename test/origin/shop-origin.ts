import { serve } from "@hono/node-server";
import { createShop } from "../../examples/shop/src/app.ts";

/**
 * The bundled demo shop on a loopback port, as `npm start` runs it, with a tap: every response to a request
 * carrying `x-test-id` is kept byte for byte (still encoded, exactly as written to the socket), and
 * `GET /__tap/<id>` returns it. Tests compare the visitor's bytes with these.
 */
export function startShop(port = 0): Promise<{ url: string; close: () => Promise<void> }> {
  const app = createShop();
  const tap = new Map<string, { status: number; body: Uint8Array }>();
  const fetch = async (request: Request): Promise<Response> => {
    const url = new URL(request.url);
    if (url.pathname.startsWith("/__tap/")) {
      const entry = tap.get(decodeURIComponent(url.pathname.slice("/__tap/".length)));
      if (!entry) return new Response("no such tap", { status: 404 });
      return new Response(entry.body, { headers: { "x-tapped-status": String(entry.status) } });
    }
    const response = await app.fetch(request);
    const id = request.headers.get("x-test-id");
    if (!id) return response;
    const body = new Uint8Array(await response.arrayBuffer());
    tap.set(id, { status: response.status, body });
    return new Response(response.status === 304 || response.status === 204 ? null : body, {
      status: response.status,
      headers: response.headers,
    });
  };
  return new Promise((resolve) => {
    const server = serve({ fetch, port, hostname: "127.0.0.1" }, (info) => {
      resolve({
        url: `http://127.0.0.1:${info.port}`,
        close: () => new Promise((done) => server.close(() => done())),
      });
    });
  });
}
