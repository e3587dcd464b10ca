import { storedScope } from "./export-scope.ts";
import type { ExportRow } from "./export-table.ts";

/** One export as the API answers it and the console shows it: progress, error and, once done, the link. */
export type ExportView = ReturnType<typeof exportView>;

export function exportView(row: ExportRow) {
  const scope = storedScope(row.scope);
  return {
    id: row.id,
    scope,
    format: row.format,
    status: row.status,
    requestedBy: row.requested_by,
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
    progress: {
      slicesDone: row.slices_done,
      slicesTotal: row.slices_total,
      records: row.records,
      bytes: row.bytes,
    },
    treeSize: row.tree_size,
    datapackageSha256: row.sha256,
    error: row.error,
    download: row.status === "done" ? `/__verbatim/api/exports/${row.id}/download` : null,
  };
}
