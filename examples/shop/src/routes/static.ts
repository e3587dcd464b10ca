import { Hono } from "hono";
import { STATIC_ASSETS } from "../assets/index.ts";
import { entityTag, isNotModified } from "../etag.ts";
import type { ShopContext } from "../shop-context.ts";

/** Long enough to exercise caches in front of the shop, short enough that a version switch shows within the hour. */
const CACHE_CONTROL = "public, max-age=3600";

/** Serves STATIC_ASSETS with ETag / If-None-Match revalidation (RFC 9110 §13.1.2, §15.4.5). */
export function staticRoutes(shop: ShopContext): Hono {
  const app = new Hono();
  const etags = new Map<string, string>();

  app.get("/static/*", (c) => {
    const asset = STATIC_ASSETS[c.req.path];
    if (asset === undefined) return c.notFound();
    const body = asset.body(shop.version);
    const bytes = typeof body === "string" ? new TextEncoder().encode(body) : body;
    let etag = etags.get(c.req.path);
    if (etag === undefined) {
      etag = entityTag(bytes, asset.text);
      etags.set(c.req.path, etag);
    }

    // §15.4.5: a 304 carries the validators and caching fields the 200 would have had.
    const headers: Record<string, string> = { ETag: etag, "Cache-Control": CACHE_CONTROL };
    if (asset.text) headers["Vary"] = "Accept-Encoding";
    if (isNotModified(c.req.header("If-None-Match"), etag)) return c.body(null, 304, headers);

    headers["Content-Type"] = asset.contentType;
    if (!asset.text) headers["Content-Length"] = String(bytes.length);
    return c.body(body, 200, headers);
  });

  return app;
}
