import { bytesToHex, utf8ToBytes } from "@noble/hashes/utils.js";
import { sha256 } from "@noble/hashes/sha2.js";
import type { Env } from "../env.ts";
import { evidenceLog } from "../evidence/evidence-log.ts";
import { logVerifierKey } from "../evidence/log-keys.ts";
import { linesOf, mergeSorted } from "../export/cdxj-merge.ts";
import { datapackageJson } from "../export/datapackage.ts";
import { pagesHeader } from "../export/pages.ts";
import { datapackageDigest } from "../export/wacz-signing.ts";
import { ZipWriter } from "../export/zip-writer.ts";
import { exportSigner } from "./export-signer.ts";
import { scopeLabel } from "./export-scope.ts";
import { ExportTable } from "./export-table.ts";
import { exportKeys, SOFTWARE, type ExportParams, type ExportPlan, type JobState } from "./job-state.ts";
import { PartSink } from "./part-sink.ts";
import { readBytes } from "./write-slice.ts";

/** Small writes are gathered to this size before they go through the zip and the sink. */
const BATCH_BYTES = 256 * 1024;

export type ExportSummary = {
  key: string;
  bytes: number;
  records: number;
  treeSize: number;
  datapackageSha256: string;
};

/**
 * The last step: the merged index, the pages, the evidence files, datapackage.json with every entry's
 * SHA-256, its signed digest, the zip's central directory; then the upload is completed and the working
 * objects deleted. The index is merged from the slices' sorted runs, one line per run in memory.
 */
export async function finishExport(
  env: Env,
  job: ExportParams,
  plan: ExportPlan,
  state: JobState,
): Promise<ExportSummary> {
  const bucket = env.BLOBS;
  const carry = state.carryKey ? await readBytes(bucket, state.carryKey) : new Uint8Array(0);
  const sink = new PartSink(
    bucket.resumeMultipartUpload(plan.key, plan.uploadId),
    state.parts,
    carry,
    state.written,
  );
  const zip = new ZipWriter(state.zip);
  const entry = async (name: string, lines: AsyncIterable<string> | Iterable<string>) => {
    await sink.write(zip.open(name));
    let batch = "";
    for await (const line of lines) {
      batch += `${line}\n`;
      if (batch.length >= BATCH_BYTES) {
        await sink.write(zip.write(utf8ToBytes(batch)));
        batch = "";
      }
    }
    if (batch !== "") await sink.write(zip.write(utf8ToBytes(batch)));
    await sink.write(zip.close());
  };
  const runs = async (key: (n: number) => string) => {
    const out: AsyncIterable<string>[] = [];
    for (let n = 1; n <= plan.slices; n++) {
      const object = await bucket.get(key(n));
      if (!object) throw new Error(`export: working object ${key(n)} is missing`);
      out.push(linesOf(object.body));
    }
    return out;
  };

  const created = new Date(job.created).toISOString();
  const title = `Verbatim export ${scopeLabel(job.scope)}`;
  await entry("indexes/index.cdxj", mergeSorted(await runs((n) => exportKeys.cdxj(job.id, n))));
  await entry(
    "pages/pages.jsonl",
    concat([[pagesHeader(title)], ...(await runs((n) => exportKeys.pages(job.id, n)))]),
  );
  const head = await evidenceLog(env).head(plan.treeSize);
  if (!head) throw new Error(`export: the tree head of size ${plan.treeSize} is missing`);
  const logKey = await logVerifierKey(env);
  const signer = await exportSigner(env);
  await entry("evidence/checkpoint.txt", [head.note.replace(/\n$/, "")]);
  await entry("evidence/log-key.txt", [logKey]);
  // Snake case, as docs/evidence.md states it; the counts are what make a removed record visible, since
  // every proof is per record (the verifier compares them with the evidence lines and pages).
  const manifest = {
    export: job.id,
    scope: job.scope,
    created,
    software: SOFTWARE,
    requested_by: job.requestedBy,
    record_count: state.records,
    page_count: state.pages,
    slices: plan.slices,
    bodies_missing: state.bodiesMissing,
    tree_size: plan.treeSize,
    // A C2SP checkpoint has no time of its own; ours carries one as an extension line, stated here too.
    checkpoint_time: new Date(head.at).toISOString(),
    log_key: logKey,
    export_key: signer.publicKey,
  };
  await entry("evidence/export.json", [JSON.stringify(manifest, null, 2)]);
  const datapackage = datapackageJson(zip.state().entries, {
    title,
    description: `Exchanges recorded by Verbatim (${scopeLabel(job.scope)}), masked at the edge, with inclusion proofs against a signed tree head.`,
    created,
    software: SOFTWARE,
    ...(state.home ? { home: state.home } : {}),
  });
  await entry("datapackage.json", [datapackage.replace(/\n$/, "")]);
  const datapackageBytes = utf8ToBytes(`${datapackage.replace(/\n$/, "")}\n`);
  await entry("datapackage-digest.json", [
    (await datapackageDigest(new TextDecoder().decode(datapackageBytes), signer, created)).replace(/\n$/, ""),
  ]);
  await sink.write(zip.finish());
  await sink.complete();
  await deleteWork(bucket, job.id);
  const summary: ExportSummary = {
    key: plan.key,
    bytes: sink.written,
    records: state.records,
    treeSize: plan.treeSize,
    datapackageSha256: bytesToHex(sha256(datapackageBytes)),
  };
  await new ExportTable(env.DB).progress(job.id, {
    status: "done",
    slices_done: plan.slices,
    records: summary.records,
    bytes: summary.bytes,
    object_key: summary.key,
    sha256: summary.datapackageSha256,
  });
  return summary;
}

async function* concat(
  parts: ReadonlyArray<AsyncIterable<string> | Iterable<string>>,
): AsyncGenerator<string> {
  for (const part of parts) yield* part;
}

async function deleteWork(bucket: R2Bucket, id: string): Promise<void> {
  let cursor: string | undefined;
  do {
    const listed = await bucket.list({ prefix: exportKeys.work(id), ...(cursor ? { cursor } : {}) });
    if (listed.objects.length > 0) await bucket.delete(listed.objects.map((o) => o.key));
    cursor = listed.truncated ? listed.cursor : undefined;
  } while (cursor);
}
