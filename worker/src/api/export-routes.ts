import { Hono } from "hono";
import { VerbatimError } from "../errors/verbatim-error.ts";
import { parseExportScope } from "../export-job/export-scope.ts";
import { ExportTable } from "../export-job/export-table.ts";
import { exportView } from "../export-job/export-view.ts";
import { startExport } from "../export-job/start-export.ts";
import { audit } from "../front/audit-look.ts";
import type { AccessEnv } from "../front/access-env.ts";
import { route } from "../front/route-access.ts";
import { harOf } from "../export/har.ts";
import { SOFTWARE } from "../export-job/job-state.ts";
import { parseId, parseLimit } from "../read/query.ts";
import { R2BlobStore } from "../store/blob-store.ts";
import { RecordReader, readStores } from "../store/record-reader.ts";

/**
 * Exports for compliance (docs/evidence.md): `POST /exports` starts one (a day, a session or a customer,
 * optionally a URL prefix) as a Workflow and answers 202 at once; `GET /exports/:id` shows its progress
 * and, once done, the download link; `GET /exports/:id/download` streams the WACZ from R2. Starting and
 * downloading are audited; the scope in the audit entry names a customer by keyed token only.
 */
export const exportApi = new Hono<AccessEnv>();

route(exportApi, "POST", "/exports", "compliance", async (c) => {
  let body: unknown;
  try {
    body = await c.req.json();
  } catch {
    throw new VerbatimError(
      "bad_query",
      'the body must be JSON, e.g. {"day": "2026-11-28", "timeZone": "Europe/Paris"}',
    );
  }
  const scope = parseExportScope(body, c.get("config").secret);
  const row = await startExport(
    c.env,
    { scope, requestedBy: c.get("principal")?.id ?? "unknown", now: Date.now() },
    (id) => audit(c, "export", id, { scope: { ...scope } }),
  );
  return c.json(exportView(row), 202, { location: `/__verbatim/api/exports/${row.id}` });
});

route(exportApi, "GET", "/exports", "compliance", async (c) => {
  const limit = parseLimit(c.req.query("limit"), 50, 200);
  await audit(c, "export.read", null);
  return c.json({ exports: (await new ExportTable(c.env.DB).list(limit)).map(exportView) });
});

route(exportApi, "GET", "/exports/:id", "compliance", async (c) => {
  const id = parseId("export id", c.req.param("id"));
  await audit(c, "export.read", id);
  const row = await new ExportTable(c.env.DB).get(id);
  if (!row) throw new VerbatimError("not_found", `no export ${id}`);
  return c.json(exportView(row));
});

route(exportApi, "GET", "/exports/:id/download", "compliance", async (c) => {
  const id = parseId("export id", c.req.param("id"));
  const row = await new ExportTable(c.env.DB).get(id);
  if (!row) throw new VerbatimError("not_found", `no export ${id}`);
  if (row.status !== "done" || !row.object_key)
    throw new VerbatimError("not_found", `export ${id} is ${row.status}, not ready to download`);
  await audit(c, "export.download", id, { bytes: row.bytes });
  const object = await c.env.BLOBS.get(row.object_key);
  if (!object) throw new VerbatimError("not_found", `the archive of export ${id} is no longer stored`);
  const name = row.object_key.slice(row.object_key.lastIndexOf("/") + 1);
  return new Response(object.body, {
    headers: {
      "content-type": "application/zip",
      "content-length": String(object.size),
      "content-disposition": `attachment; filename="${name}"`,
      etag: object.httpEtag,
    },
  });
});

/** A HAR is built in memory (base64 bodies and all): past this many body bytes, a WACZ export is the way. */
const HAR_MAX_BODY_BYTES = 32 * 1024 * 1024;

/** One session as HAR 1.2, for browser devtools (stored, masked bodies; the WACZ export is the evidence). */
route(exportApi, "GET", "/sessions/:id/har", "compliance", async (c) => {
  const id = parseId("session id", c.req.param("id"));
  const rows = await new RecordReader(readStores(c.env)).sessionRecords(id);
  if (rows.length === 0) throw new VerbatimError("not_found", `no session ${id}`);
  const bodyBytes = rows.reduce(
    (sum, r) => sum + (r.request_body_size ?? 0) + (r.response_body_size ?? 0),
    0,
  );
  if (bodyBytes > HAR_MAX_BODY_BYTES)
    throw new VerbatimError(
      "too_large",
      `session ${id} holds ${bodyBytes} body bytes, more than a HAR is built for (${HAR_MAX_BODY_BYTES}); export it as WACZ instead`,
    );
  await audit(c, "export", id, { format: "har", exchanges: rows.length });
  const blobs = new R2BlobStore(c.env.BLOBS);
  const body = (digest: string | null) =>
    digest ? blobs.get(digest).catch(() => null) : Promise.resolve(null);
  const exchanges = await Promise.all(
    rows.map(async (row) => ({
      row,
      requestBody: await body(row.request_body_digest),
      responseBody: await body(row.response_body_digest),
    })),
  );
  const har = harOf(exchanges, { creator: SOFTWARE, version: "1" });
  return new Response(JSON.stringify(har, null, 2), {
    headers: {
      "content-type": "application/json; charset=utf-8",
      "content-disposition": `attachment; filename="verbatim-session-${id}.har"`,
    },
  });
});
