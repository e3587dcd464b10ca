import type { Env } from "../env.ts";
import { evidenceLog } from "../evidence/evidence-log.ts";
import { readStores, RecordReader } from "../store/record-reader.ts";
import { chunksInScope, sliced, sliceLimit } from "./export-plan.ts";
import { exportSigner } from "./export-signer.ts";
import { scopeLabel } from "./export-scope.ts";
import { ExportTable } from "./export-table.ts";
import { exportKeys, type ExportParams, type ExportPlan } from "./job-state.ts";

/** Ids per call when asking the log which chunks it has. */
const ASK_BATCH = 1_000;

/**
 * The first step: which chunks, sealed under which head, written where. A chunk is in the index before
 * its records are appended to the log (persist/consume-records.ts), and one that kept failing may sit in
 * the dead-letter queue after being indexed: such chunks are appended here (the log skips what it has), so
 * every exchange the export lists is under the head it signs now.
 */
export async function planExport(env: Env, job: ExportParams): Promise<ExportPlan> {
  const table = new ExportTable(env.DB);
  await table.progress(job.id, { status: "running" });
  await exportSigner(env);
  const stores = readStores(env);
  const chunks = await chunksInScope(stores, job.scope);
  const log = evidenceLog(env);
  const reader = new RecordReader(stores);
  for (let i = 0; i < chunks.length; i += ASK_BATCH) {
    const batch = chunks.slice(i, i + ASK_BATCH);
    const missing = new Set(await log.missing(batch.map((c) => c.first)));
    for (const chunk of batch.filter((c) => missing.has(c.first))) {
      const records = await reader.recordsOf({
        segment: chunk.segment,
        segment_offset: chunk.offset,
        segment_length: chunk.length,
      });
      await log.append(records.map((r) => ({ id: r.exchange.id, recordHash: r.exchange.record_hash })));
    }
  }
  const head = await log.sign();
  const slices = sliced(chunks, sliceLimit(env.EXPORT_SLICE_EXCHANGES));
  for (const [i, slice] of slices.entries())
    await env.BLOBS.put(exportKeys.slice(job.id, i + 1), JSON.stringify(slice));
  const key = `${exportKeys.prefix(job.id)}verbatim-${scopeLabel(job.scope)}-${job.id}.wacz`;
  const upload = await env.BLOBS.createMultipartUpload(key, {
    httpMetadata: {
      contentType: "application/zip",
      contentDisposition: `attachment; filename="${key.slice(key.lastIndexOf("/") + 1)}"`,
    },
    customMetadata: { export: job.id },
  });
  await table.progress(job.id, { slices_total: slices.length, tree_size: head.size });
  return { key, uploadId: upload.uploadId, slices: slices.length, treeSize: head.size };
}
