import { recordHash, sha256Hex } from "../../snapshot/record-hash.ts";
import type { BlobStore } from "../../store/blob-store.ts";
import type { ExchangeRow } from "../../record/rows.ts";

/**
 * Is this record what the recorder wrote? The row is re-hashed exactly as record-exchange.ts hashed it (every
 * column but record_hash) and compared with record_hash; each body it points at must still be in R2 with
 * bytes whose SHA-256 is the digest. An edited row is a MISMATCH, a deleted object is "body missing".
 */
export type IntegrityStatus = "verified" | "mismatch" | "body_missing";

export type IntegrityCheck = {
  subject: "record" | "request body" | "response body" | "revalidated body";
  result: "ok" | "mismatch" | "missing";
  detail: string;
};

export type Integrity = { status: IntegrityStatus; checks: IntegrityCheck[] };

export const INTEGRITY_LABELS: Readonly<Record<IntegrityStatus, string>> = {
  verified: "verified",
  mismatch: "MISMATCH",
  body_missing: "body missing",
};

// The hashed columns, spelled out: a column added to the table later must not change old records' hashes,
// and a column added to ExchangeRow fails the type check here until someone decides whether it is hashed.
const HASHED: Readonly<Record<keyof Omit<ExchangeRow, "record_hash">, true>> = {
  id: true,
  session_id: true,
  day: true,
  started_at: true,
  ttfb_ms: true,
  total_ms: true,
  method: true,
  url: true,
  status: true,
  content_type: true,
  content_class: true,
  page_view: true,
  request_headers: true,
  response_headers: true,
  request_body_digest: true,
  request_body_size: true,
  request_body_note: true,
  response_body_digest: true,
  response_body_size: true,
  response_body_note: true,
  validator: true,
  revalidated_digest: true,
  context: true,
  error: true,
  mask_policy: true,
  mask_report: true,
};

/** The record as hashed: every hashed column, in the shape record-exchange.ts hashed it. */
export function hashedRecord(row: ExchangeRow): Record<string, unknown> {
  const record: Record<string, unknown> = {};
  for (const column of Object.keys(HASHED) as Array<keyof typeof HASHED>) record[column] = row[column];
  return record;
}

/** The record hash recomputed from the row's columns (what the stored record_hash should be). */
export function recomputeRecordHash(row: ExchangeRow): Promise<string> {
  return recordHash(hashedRecord(row));
}

export async function checkIntegrity(row: ExchangeRow, blobs: Pick<BlobStore, "get">): Promise<Integrity> {
  const recomputed = await recomputeRecordHash(row);
  const checks: IntegrityCheck[] = [
    recomputed === row.record_hash
      ? { subject: "record", result: "ok", detail: `record hash ${row.record_hash}` }
      : {
          subject: "record",
          result: "mismatch",
          detail: `stored record hash ${row.record_hash}, recomputed ${recomputed}`,
        },
  ];
  const bodies: Array<[IntegrityCheck["subject"], string | null]> = [
    ["request body", row.request_body_digest],
    ["response body", row.response_body_digest],
    ["revalidated body", row.revalidated_digest],
  ];
  for (const [subject, digest] of bodies) if (digest) checks.push(await checkBody(subject, digest, blobs));
  const status: IntegrityStatus = checks.some((c) => c.result === "mismatch")
    ? "mismatch"
    : checks.some((c) => c.result === "missing")
      ? "body_missing"
      : "verified";
  return { status, checks };
}

async function checkBody(
  subject: IntegrityCheck["subject"],
  digest: string,
  blobs: Pick<BlobStore, "get">,
): Promise<IntegrityCheck> {
  let bytes: Uint8Array | null;
  try {
    bytes = await blobs.get(digest);
  } catch (error) {
    // Bytes that no longer decompress were changed after storage; the detail names the failure.
    const kind = error instanceof Error ? error.name : "unknown error";
    return { subject, result: "mismatch", detail: `object for sha256 ${digest} could not be read (${kind})` };
  }
  if (!bytes) return { subject, result: "missing", detail: `no object for sha256 ${digest} in R2` };
  const actual = await sha256Hex(bytes);
  return actual === digest
    ? { subject, result: "ok", detail: `sha256 ${digest}` }
    : { subject, result: "mismatch", detail: `indexed sha256 ${digest}, stored bytes hash to ${actual}` };
}
