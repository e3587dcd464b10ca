import type { MiddlewareHandler } from "hono";

/**
 * workerd treats a Response carrying Content-Encoding as *uncompressed* and encodes it again on the way out
 * unless the init says `encodeBody: "manual"` (Cloudflare Workers Response docs). compress() has already
 * gzipped the body, so this marks it as final. Node and browsers ignore the unknown init member.
 */
export function alreadyEncoded(): MiddlewareHandler {
  return async function alreadyEncoded(c, next) {
    await next();
    if (!c.res.headers.has("Content-Encoding")) return;
    const init: ResponseInit & { encodeBody: "manual" } = {
      status: c.res.status,
      statusText: c.res.statusText,
      headers: c.res.headers,
      encodeBody: "manual",
    };
    c.res = new Response(c.res.body, init);
  };
}
