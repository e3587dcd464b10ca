import { Hono } from "hono";
import { VerbatimError } from "../errors/verbatim-error.ts";
import { audit } from "../front/audit-look.ts";
import type { AccessEnv } from "../front/access-env.ts";
import { route } from "../front/route-access.ts";
import { decodeCursor, encodeCursor, parseEnum, parseId, parseLimit } from "../read/query.ts";
import { searchDetail } from "../read/search-detail.ts";
import { parseSessionSearch } from "../read/session-search.ts";
import { ArchiveReader } from "../store/archive-reader.ts";
import { R2BlobStore } from "../store/blob-store.ts";
import { readStores } from "../store/record-reader.ts";
import { auditApi } from "./audit-routes.ts";
import { evidenceApi } from "./evidence-routes.ts";
import { exportApi } from "./export-routes.ts";
import { opsApi } from "./ops-routes.ts";
import { prove } from "./prove.ts";
import { retentionApi } from "./retention-routes.ts";
import { reveal } from "./reveal.ts";
import { timelineApi } from "./timeline-routes.ts";
import { tokensApi } from "./token-routes.ts";
import { exchangeView, sessionView } from "./views.ts";

/**
 * The recorder's read API under /__verbatim/api on the console's host (documented in the README). Every
 * route declares its role; every look at archive data writes one audit entry first.
 */
export const api = new Hono<AccessEnv>();

opsApi(api);

route(api, "GET", "/sessions", "support", async (c) => {
  const { filter, limit } = await parseSessionSearch(c.req.query(), c.get("config").secret, Date.now());
  await audit(c, "search", null, searchDetail(filter, c.get("config").secret));
  const rows = await new ArchiveReader(readStores(c.env)).listSessions(filter);
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return c.json({
    sessions: page.map(sessionView),
    nextCursor: rows.length > limit && last ? encodeCursor([last.last_seen, last.id]) : null,
  });
});

route(api, "GET", "/sessions/:id", "support", async (c) => {
  const id = parseId("session id", c.req.param("id"));
  await audit(c, "session.view", id);
  const row = await new ArchiveReader(readStores(c.env)).getSession(id);
  if (!row) throw new VerbatimError("not_found", `no session ${id}`);
  return c.json(sessionView(row));
});

route(api, "GET", "/sessions/:id/exchanges", "support", async (c) => {
  const id = parseId("session id", c.req.param("id"));
  const limit = parseLimit(c.req.query("limit"), 100, 500);
  const cursor = decodeCursor(c.req.query("cursor"), ["number", "string"]);
  await audit(c, "session.view", id, { exchanges: true });
  const reader = new ArchiveReader(readStores(c.env));
  if (!(await reader.getSession(id))) throw new VerbatimError("not_found", `no session ${id}`);
  const rows = await reader.listExchanges(
    id,
    cursor ? { startedAt: cursor[0] as number, id: cursor[1] as string } : null,
    limit + 1,
  );
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return c.json({
    exchanges: page.map(exchangeView),
    nextCursor: rows.length > limit && last ? encodeCursor([last.started_at, last.id]) : null,
  });
});

route(api, "GET", "/exchanges/:id", "support", async (c) => {
  const id = parseId("exchange id", c.req.param("id"));
  await audit(c, "exchange.view", id);
  const row = await new ArchiveReader(readStores(c.env)).getExchange(id);
  if (!row) throw new VerbatimError("not_found", `no exchange ${id}`);
  return c.json(exchangeView(row));
});

route(api, "GET", "/exchanges/:id/body", "support", async (c) => {
  const id = parseId("exchange id", c.req.param("id"));
  const part = parseEnum("part", c.req.query("part"), ["request", "response"] as const) ?? "response";
  await audit(c, "body.view", id, { part });
  const row = await new ArchiveReader(readStores(c.env)).getExchange(id);
  if (!row) throw new VerbatimError("not_found", `no exchange ${id}`);
  const digest = part === "request" ? row.request_body_digest : row.response_body_digest;
  const note = part === "request" ? row.request_body_note : row.response_body_note;
  if (!digest)
    throw new VerbatimError(
      "not_found",
      `exchange ${id} has no stored ${part} body${note ? ` (${note})` : ""}`,
    );
  const bytes = await new R2BlobStore(c.env.BLOBS).get(digest);
  if (!bytes) throw new VerbatimError("storage_unavailable", `body ${digest} is indexed but missing from R2`);
  const headers = JSON.parse(part === "request" ? row.request_headers : row.response_headers) as [
    string,
    string,
  ][];
  const contentType = headers.find(([name]) => name === "content-type")?.[1] ?? "application/octet-stream";
  return new Response(bytes, {
    headers: {
      "content-type": contentType,
      "x-verbatim-digest": digest,
      // A recorded page must never run as the console's origin: no scripts, no sniffing, no caching.
      "content-security-policy": "sandbox",
      "x-content-type-options": "nosniff",
      "cache-control": "private, no-store",
    },
  });
});

api.route("/", timelineApi);
api.route("/exchanges", prove);
api.route("/exchanges", reveal);
api.route("/tokens", tokensApi);
api.route("/audit", auditApi);
api.route("/", evidenceApi);
api.route("/", retentionApi);
api.route("/", exportApi);

route(api, "ALL", "*", "public", () => {
  throw new VerbatimError("not_found", "no such API endpoint; see the README for the list");
});
