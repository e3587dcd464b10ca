import { readStores } from "../store/record-reader.ts";
import { Hono } from "hono";
import { loadConfig } from "../config/config.ts";
import type { Env } from "../env.ts";
import { hasConsoleSession } from "../console/auth/console-auth.ts";
import { VerbatimError } from "../errors/verbatim-error.ts";
import { ArchiveReader } from "../store/archive-reader.ts";
import { R2BlobStore } from "../store/blob-store.ts";
import { requireToken } from "./auth.ts";
import { health } from "./health.ts";
import { decodeCursor, encodeCursor, parseEnum, parseId, parseLimit } from "../read/query.ts";
import { prove } from "./prove.ts";
import { parseSessionSearch } from "../read/session-search.ts";
import { timelineApi } from "./timeline-routes.ts";
import { exchangeView, sessionView } from "./views.ts";

/** The recorder's read API under /__verbatim/api (documented in the README). */
export const api = new Hono<{ Bindings: Env }>();

api.get("/health", async (c) => c.json(await health(loadConfig(c.env), c.env)));

api.use("*", async (c, next) => {
  const loaded = loadConfig(c.env);
  const token = loaded.ok ? loaded.config.adminToken : (loaded.passThrough?.adminToken ?? null);
  return requireToken(() => token, hasConsoleSession)(c, next);
});

api.get("/sessions", async (c) => {
  const loaded = loadConfig(c.env);
  const { filter, limit } = await parseSessionSearch(
    c.req.query(),
    loaded.ok ? loaded.config.secret : null,
    Date.now(),
  );
  const rows = await new ArchiveReader(readStores(c.env)).listSessions(filter);
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return c.json({
    sessions: page.map(sessionView),
    nextCursor: rows.length > limit && last ? encodeCursor([last.last_seen, last.id]) : null,
  });
});

api.get("/sessions/:id", async (c) => {
  const id = parseId("session id", c.req.param("id"));
  const row = await new ArchiveReader(readStores(c.env)).getSession(id);
  if (!row) throw new VerbatimError("not_found", `no session ${id}`);
  return c.json(sessionView(row));
});

api.get("/sessions/:id/exchanges", async (c) => {
  const id = parseId("session id", c.req.param("id"));
  const reader = new ArchiveReader(readStores(c.env));
  if (!(await reader.getSession(id))) throw new VerbatimError("not_found", `no session ${id}`);
  const limit = parseLimit(c.req.query("limit"), 100, 500);
  const cursor = decodeCursor(c.req.query("cursor"), ["number", "string"]);
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

api.get("/exchanges/:id", async (c) => {
  const id = parseId("exchange id", c.req.param("id"));
  const row = await new ArchiveReader(readStores(c.env)).getExchange(id);
  if (!row) throw new VerbatimError("not_found", `no exchange ${id}`);
  return c.json(exchangeView(row));
});

api.get("/exchanges/:id/body", async (c) => {
  const id = parseId("exchange id", c.req.param("id"));
  const part = parseEnum("part", c.req.query("part"), ["request", "response"] as const) ?? "response";
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

api.all("*", () => {
  throw new VerbatimError("not_found", "no such API endpoint; see the README for the list");
});
