import type { Context } from "hono";

/** The client a request came from, as Cloudflare reports it (CF-Connecting-IP): staff, not customers. */
export function clientOf(c: Context): string {
  return c.req.header("cf-connecting-ip") ?? "unknown";
}
