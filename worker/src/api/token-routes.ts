import { Hono } from "hono";
import { ApiTokenStore, tokenRequest, tokenView } from "../access/api-tokens.ts";
import { VerbatimError } from "../errors/verbatim-error.ts";
import type { AccessEnv } from "../front/access-env.ts";
import { audit } from "../front/audit-look.ts";
import { route } from "../front/route-access.ts";

/**
 * Scoped API tokens (admin only): `GET /tokens`, `POST /tokens {name, roles, expiresInDays}` (the token is in
 * that answer and nowhere else, ever), `DELETE /tokens/:id`. `npm run tokens` wraps these.
 */
export const tokensApi = new Hono<AccessEnv>();

route(tokensApi, "GET", "/", "admin", async (c) => {
  const now = Date.now();
  return c.json({ tokens: (await new ApiTokenStore(c.env.DB).list()).map((row) => tokenView(row, now)) });
});

route(tokensApi, "POST", "/", "admin", async (c) => {
  let body: unknown;
  try {
    body = await c.req.json();
  } catch {
    throw new VerbatimError("bad_query", 'the body must be JSON: {"name", "roles": [...], "expiresInDays"}');
  }
  const now = Date.now();
  const request = tokenRequest(typeof body === "object" && body !== null ? body : {}, now);
  const principal = c.get("principal");
  const { token, row } = await new ApiTokenStore(c.env.DB).create(request, principal?.id ?? "unknown", now);
  await audit(c, "token.create", row.id, { name: row.name, roles: request.roles, expiresAt: row.expires_at });
  c.header("cache-control", "no-store");
  return c.json({ token, ...tokenView(row, now) }, 201);
});

route(tokensApi, "DELETE", "/:id", "admin", async (c) => {
  const id = c.req.param("id");
  if (!/^[0-9a-f]{12}$/.test(id)) throw new VerbatimError("bad_query", "a token id is 12 hex characters");
  const store = new ApiTokenStore(c.env.DB);
  const now = Date.now();
  if (!(await store.get(id))) throw new VerbatimError("not_found", `no token ${id}`);
  // Written down first: a revocation the log does not hold must not happen.
  await audit(c, "token.revoke", id);
  const revoked = await store.revoke(id, c.get("principal")?.id ?? "unknown", now);
  const row = await store.get(id);
  return c.json({ revoked, ...(row ? tokenView(row, now) : {}) });
});
