import type { Context, MiddlewareHandler } from "hono";
import { VerbatimError } from "../errors/verbatim-error.ts";

/**
 * Bearer-token gate for the read API until roles by function arrive. The token only ever travels in the
 * Authorization header (never in a URL, which would end up in logs and Referer headers). `alsoAccept` lets
 * a browser logged in to the console read the API with its console cookie instead.
 */
export function requireToken(
  getToken: () => string | null,
  alsoAccept: (c: Context) => Promise<boolean> = async () => false,
): MiddlewareHandler {
  return async function requireTokenMiddleware(c, next) {
    const expected = getToken();
    if (expected === null)
      throw new VerbatimError("admin_disabled", "the admin API is disabled: set the ADMIN_TOKEN secret");
    const header = c.req.header("authorization");
    const given = /^Bearer\s+(.+)$/i.exec(header ?? "")?.[1] ?? "";
    const allowed = header === undefined ? await alsoAccept(c) : await sameSecret(given, expected);
    if (!allowed) {
      throw new VerbatimError(
        "unauthorized",
        "missing or wrong bearer token (Authorization: Bearer <ADMIN_TOKEN>)",
      );
    }
    await next();
  };
}

/** Compares digests, so neither length nor content leaks through timing. */
export async function sameSecret(a: string, b: string): Promise<boolean> {
  const encoder = new TextEncoder();
  const [da, db] = await Promise.all([
    crypto.subtle.digest("SHA-256", encoder.encode(a)),
    crypto.subtle.digest("SHA-256", encoder.encode(b)),
  ]);
  return crypto.subtle.timingSafeEqual(da, db);
}
