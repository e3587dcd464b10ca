import { Hono } from "hono";
import { compress } from "hono/compress";
import { alreadyEncoded } from "./encoded-body.ts";
import { createShopStore } from "./session.ts";
import type { ShopStore } from "./session.ts";
import { ShopError } from "./shop-error.ts";
import type { ShopContext } from "./shop-context.ts";
import type { Version } from "./version.ts";
import { errorPage, notFoundPage } from "./pages/not-found.ts";
import { apiRoutes } from "./routes/api.ts";
import { applyRoutes } from "./routes/apply.ts";
import { authRoutes } from "./routes/auth.ts";
import { checkoutRoutes } from "./routes/checkout.ts";
import { pageRoutes } from "./routes/pages.ts";
import { staticRoutes } from "./routes/static.ts";
import { streamRoutes } from "./routes/streams.ts";

export type ShopOptions = {
  /** Which release of the site to serve. @default "v1" */
  version?: Version;
  /** The clock every personalised price, greeting and date is computed from. @default () => new Date() */
  now?: () => Date;
  /** Sessions and counters. @default a new, empty store per createShop() call */
  store?: ShopStore;
};

/**
 * The demo origin that Verbatim records: a personalised insurance shop. A pure fetch handler (no Node APIs,
 * no file system) so it runs in workerd, in Vitest and behind @hono/node-server alike.
 */
export function createShop(options: ShopOptions = {}): Hono {
  const shop: ShopContext = {
    version: options.version ?? "v1",
    now: options.now ?? (() => new Date()),
    store: options.store ?? createShopStore(),
  };
  const app = new Hono();

  // Registered before compress() so it never runs for health checks: probes want a plain two-byte "ok".
  app.get("/healthz", (c) => c.text("ok"));

  // gzip/deflate for text types when Accept-Encoding allows; fonts, PNGs, octet-stream and SSE are left alone.
  app.use(alreadyEncoded());
  app.use(compress({ threshold: 0 }));

  // Personalised responses must not be stored by shared caches (RFC 9111 §5.2.2.7); static files set their own.
  app.use(async (c, next) => {
    await next();
    if (!c.res.headers.has("Cache-Control")) c.header("Cache-Control", "private, no-cache");
  });

  app.route("/", staticRoutes(shop));
  app.route("/", pageRoutes(shop));
  app.route("/", authRoutes(shop));
  app.route("/", applyRoutes(shop));
  app.route("/", checkoutRoutes(shop));
  app.route("/", apiRoutes(shop));
  app.route("/", streamRoutes());

  app.notFound((c) => c.html(notFoundPage(c.req.path), 404));
  app.onError((error, c) => {
    if (error instanceof ShopError) return error.toResponse();
    console.error(`shop: ${c.req.method} ${c.req.path} failed`, error);
    return c.html(errorPage("The demo shop hit an unexpected error."), 500);
  });

  return app;
}
