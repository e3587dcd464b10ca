import type { Env } from "../env.ts";
import { VerbatimError } from "../errors/verbatim-error.ts";
import { exchangeId } from "../snapshot/ids.ts";
import { exportSigner } from "./export-signer.ts";
import type { ExportScope } from "./export-scope.ts";
import { ExportTable, type ExportRow } from "./export-table.ts";
import type { ExportParams } from "./job-state.ts";

/**
 * Starts one export for the API and the console alike: its row (queued) and its Workflow. `audit` runs once
 * the id is known and before anything starts, so an export the audit log cannot record never runs.
 */
export async function startExport(
  env: Pick<Env, "DB" | "EXPORTS" | "EXPORT_SIGNING_KEY" | "VERBATIM_SECRET" | "CONSOLE_HOST">,
  job: { scope: ExportScope; requestedBy: string; now: number },
  audit: (id: string) => Promise<void>,
): Promise<ExportRow> {
  // Refused now, not in the background: an export nobody can sign is of no use.
  await exportSigner(env);
  const { scope, requestedBy, now } = job;
  const id = exchangeId(now);
  await audit(id);
  const table = new ExportTable(env.DB);
  await table.create({ id, scope: JSON.stringify(scope), requested_by: requestedBy, created_at: now });
  const params: ExportParams = { id, scope, requestedBy, created: now };
  await env.EXPORTS.create({ id, params });
  const row = await table.get(id);
  if (!row) throw new VerbatimError("internal", "the export was started but its row is missing");
  return row;
}
