import { utf8ToBytes } from "@noble/hashes/utils.js";
import type { Env } from "../env.ts";
import { evidenceLog, type Inclusion } from "../evidence/evidence-log.ts";
import { pageLine } from "../export/pages.ts";
import { WarcFileWriter } from "../export/warc-file.ts";
import { ZipWriter } from "../export/zip-writer.ts";
import { hashedRecord } from "../read/model/integrity.ts";
import type { ExchangeRow } from "../record/rows.ts";
import { R2BlobStore } from "../store/blob-store.ts";
import { inOrder, readStores, RecordReader } from "../store/record-reader.ts";
import type { ChunkRef } from "./export-plan.ts";
import { inScope } from "./export-scope.ts";
import { exportKeys, SOFTWARE, type ExportParams, type ExportPlan, type JobState } from "./job-state.ts";
import { PartSink } from "./part-sink.ts";

/** Bodies read ahead of the writer: R2 latency overlaps, memory stays a few bodies. */
const READ_AHEAD = 8;
/** Ids per inclusion-proof call to the log. */
const PROOF_BATCH = 500;

/**
 * One Workflow step: slice `n` of the plan becomes one WARC file in the zip (`archive/data-n.warc.gz`) and
 * its evidence lines (`evidence/records-n.jsonl`), streamed into the multipart upload. Its CDXJ lines
 * (sorted) and page lines go to R2 for the last step to merge, and the bytes short of a whole part are the
 * carry for the next step. Everything written is a function of the plan and the store, so a retried step
 * writes the same parts again.
 */
export async function writeSlice(
  env: Env,
  job: ExportParams,
  plan: ExportPlan,
  n: number,
  state: JobState,
): Promise<JobState> {
  const bucket = env.BLOBS;
  const refs = await readJson<ChunkRef[]>(bucket, exportKeys.slice(job.id, n));
  const rows = await sliceRows(env, job, refs);
  const proofs = await proofsOf(env, rows, plan.treeSize);
  const carry = state.carryKey ? await readBytes(bucket, state.carryKey) : new Uint8Array(0);
  const sink = new PartSink(
    bucket.resumeMultipartUpload(plan.key, plan.uploadId),
    state.parts,
    carry,
    state.written,
  );
  const zip = new ZipWriter(state.zip);
  const name = exportKeys.warc(n);
  const warc = new WarcFileWriter(name);

  await sink.write(zip.open(`archive/${name}`));
  await sink.write(
    zip.write(
      await warc.warcinfo({ software: SOFTWARE, "verbatim-export": job.id, isPartOf: job.id }, job.created),
    ),
  );
  const evidence: string[] = [];
  const cdxj: string[] = [];
  const pages: string[] = [];
  let home = state.home;
  let bodiesMissing = 0;
  const blobs = new R2BlobStore(bucket);
  const bodies = rows.map(() => null as Promise<[Uint8Array | null, Uint8Array | null]> | null);
  const fetchBodies = (i: number) => {
    const row = rows[i];
    if (row && !bodies[i])
      bodies[i] = Promise.all([
        readBody(blobs, row.request_body_digest),
        readBody(blobs, row.response_body_digest),
      ]);
  };
  for (let i = 0; i < rows.length; i++) {
    for (let j = i; j < Math.min(rows.length, i + READ_AHEAD); j++) fetchBodies(j);
    const row = rows[i];
    const pending = bodies[i];
    if (!row || !pending) continue;
    const [requestBody, responseBody] = await pending;
    bodies[i] = null;
    if ((row.request_body_digest && !requestBody) || (row.response_body_digest && !responseBody))
      bodiesMissing++;
    const out = await warc.exchange({ row, requestBody, responseBody });
    await sink.write(zip.write(out.bytes));
    cdxj.push(...out.cdxj);
    const page = pageLine(row);
    if (page) {
      pages.push(page);
      home ??= JSON.parse(page) as { url: string; ts: string };
    }
    evidence.push(
      evidenceLine(row, `archive/${name}`, out.responseOffset, out.responseLength, proofs.get(row.id)),
    );
  }
  await sink.write(zip.close());
  await sink.write(zip.open(exportKeys.evidence(n)));
  await sink.write(zip.write(utf8ToBytes(evidence.map((l) => `${l}\n`).join(""))));
  await sink.write(zip.close());

  cdxj.sort();
  await bucket.put(exportKeys.cdxj(job.id, n), cdxj.map((l) => `${l}\n`).join(""));
  await bucket.put(exportKeys.pages(job.id, n), pages.map((l) => `${l}\n`).join(""));
  const carryKey = exportKeys.carry(job.id, n);
  await bucket.put(carryKey, sink.carry());
  return {
    zip: zip.state(),
    parts: sink.parts,
    carryKey,
    written: sink.written,
    records: state.records + rows.length,
    pages: state.pages + pages.length,
    bodiesMissing: state.bodiesMissing + bodiesMissing,
    home: home ? { url: home.url, ts: home.ts } : null,
  };
}

async function sliceRows(env: Env, job: ExportParams, refs: readonly ChunkRef[]): Promise<ExchangeRow[]> {
  const reader = new RecordReader(readStores(env));
  const rows: ExchangeRow[] = [];
  for (const ref of refs) {
    // Each chunk is read once: not through the isolate's chunk cache, which would hold up to 2,000 decoded
    // chunks across slices (the export's heap grew with the day's size: 139 MB at 50,000 exchanges).
    const records = await reader.recordsOf(
      { segment: ref.segment, segment_offset: ref.offset, segment_length: ref.length },
      { cache: false },
    );
    for (const record of records) if (inScope(job.scope, record.exchange)) rows.push(record.exchange);
  }
  return inOrder(rows);
}

async function proofsOf(
  env: Env,
  rows: readonly ExchangeRow[],
  treeSize: number,
): Promise<Map<string, Inclusion>> {
  const log = evidenceLog(env);
  const out = new Map<string, Inclusion>();
  for (let i = 0; i < rows.length; i += PROOF_BATCH) {
    const ids = rows.slice(i, i + PROOF_BATCH).map((r) => r.id);
    for (const inclusion of await log.inclusion(ids, treeSize)) out.set(inclusion.id, inclusion);
  }
  return out;
}

/** docs/evidence.md §2 "Evidence lines": the record as hashed, where it is in the WARC, and its proof. */
function evidenceLine(
  row: ExchangeRow,
  warc: string,
  offset: number,
  length: number,
  inclusion: Inclusion | undefined,
): string {
  const proof =
    inclusion && "leaf" in inclusion
      ? { leaf: inclusion.leaf, proof: inclusion.proof }
      : { leaf: null, proof: null, unproven: inclusion?.missing ?? "not in the log" };
  return JSON.stringify({
    id: row.id,
    warc,
    offset,
    length,
    record: { ...hashedRecord(row), record_hash: row.record_hash },
    ...proof,
  });
}

/** A stored body, or null when it is gone or unreadable: the WARC then shows the gap and verification names it. */
async function readBody(blobs: R2BlobStore, digest: string | null): Promise<Uint8Array | null> {
  if (!digest) return null;
  try {
    return await blobs.get(digest);
  } catch {
    return null;
  }
}

export async function readBytes(bucket: R2Bucket, key: string): Promise<Uint8Array> {
  const object = await bucket.get(key);
  if (!object) throw new Error(`export: working object ${key} is missing`);
  return new Uint8Array(await object.arrayBuffer());
}

export async function readJson<T>(bucket: R2Bucket, key: string): Promise<T> {
  return JSON.parse(new TextDecoder().decode(await readBytes(bucket, key))) as T;
}
