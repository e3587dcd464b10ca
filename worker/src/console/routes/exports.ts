import type { Context, Hono } from "hono";
import { VerbatimError } from "../../errors/verbatim-error.ts";
import { parseExportScope } from "../../export-job/export-scope.ts";
import { ExportTable } from "../../export-job/export-table.ts";
import { exportView } from "../../export-job/export-view.ts";
import { startExport } from "../../export-job/start-export.ts";
import type { AccessEnv } from "../../front/access-env.ts";
import { audit } from "../../front/audit-look.ts";
import { route } from "../../front/route-access.ts";
import { parseId } from "../../read/query.ts";
import { CONSOLE_ROOT } from "../console-root.ts";
import { exportRequest, readExportForm, type ExportForm } from "../model/export-form.ts";
import { ExportPage, ExportsPage } from "../pages/exports-page.tsx";
import { forViewer } from "../pages/viewer.tsx";
import { viewerZone } from "./viewer-zone.ts";

const RECENT = 50;
const EMPTY_FORM: ExportForm = { day: "", tz: "", session: "", customer: "", url: "" };

/**
 * GET/POST /__verbatim/exports and GET /__verbatim/exports/:id: the export API's console (compliance).
 * Starting posts the form and redirects to the new export's page, which reloads itself until it ends.
 * Every look and every start is audited as the API's are.
 */
export function exportRoutes(app: Hono<AccessEnv>): void {
  route(app, "GET", `${CONSOLE_ROOT}exports`, "compliance", async (c) => list(c, EMPTY_FORM, null));

  route(app, "POST", `${CONSOLE_ROOT}exports`, "compliance", async (c) => {
    const form = readExportForm(await c.req.parseBody());
    try {
      const scope = parseExportScope(exportRequest(form), c.get("config").secret);
      const row = await startExport(
        c.env,
        { scope, requestedBy: c.get("principal")?.id ?? "unknown", now: Date.now() },
        (id) => audit(c, "export", id, { scope: { ...scope } }),
      );
      return c.redirect(`${CONSOLE_ROOT}exports/${row.id}`, 303);
    } catch (error) {
      // Bad input re-renders the form with the parser's message, which names the field and the rule.
      if (error instanceof VerbatimError && error.code === "bad_query") return list(c, form, error.message);
      throw error;
    }
  });

  route(app, "GET", `${CONSOLE_ROOT}exports/:id`, "compliance", async (c) => {
    const zone = viewerZone(c);
    const id = parseId("export id", c.req.param("id"));
    await audit(c, "export.read", id);
    const row = await new ExportTable(c.env.DB).get(id);
    if (!row) throw new VerbatimError("not_found", `no export ${id}`);
    return c.html(forViewer(c.get("principal"), ExportPage({ view: exportView(row), zone })));
  });
}

async function list(c: Context<AccessEnv>, form: ExportForm, message: string | null) {
  const zone = viewerZone(c);
  await audit(c, "export.read", null);
  const exports = (await new ExportTable(c.env.DB).list(RECENT)).map(exportView);
  return c.html(
    forViewer(c.get("principal"), ExportsPage({ exports, form, zone, message })),
    message === null ? 200 : 400,
  );
}
