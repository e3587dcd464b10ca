import { hexToBytes } from "@noble/hashes/utils.js";
import { parseCheckpoint } from "../evidence/checkpoint.ts";
import type { EvidenceLogObject, TreeHead } from "../evidence/evidence-log.ts";
import { leafHash, verifyInclusion } from "../evidence/merkle.ts";
import { verifyNote } from "../evidence/signed-note.ts";
import type { ExchangeRow } from "../record/rows.ts";
import type { BlobStore } from "../store/blob-store.ts";
import { checkIntegrity, recomputeRecordHash, type Integrity } from "./model/integrity.ts";

/**
 * Is this stored exchange what was recorded, and is it under the log's latest signed head? The record
 * hash is recomputed from the stored columns (never read back from them), the bodies are re-hashed, and the
 * recomputed hash must be the leaf the log proves is included under a head whose signature checks with the
 * published key. A row edited together with its record_hash therefore still fails: the log holds the old hash.
 */
export type LogCheck =
  | { status: "included"; head: HeadView; leaf: number; proof: string[]; detail: string }
  | {
      status: "pending" | "not_in_log" | "altered" | "proof_failed" | "bad_head";
      head: HeadView | null;
      detail: string;
    };

export type HeadView = { size: number; at: number; note: string };

export type ExchangeVerdict = {
  exchange: string;
  verified: boolean;
  record: Integrity;
  log: LogCheck;
};

type Log = Pick<EvidenceLogObject, "latest" | "inclusion">;

export async function verifyExchange(
  row: ExchangeRow,
  blobs: Pick<BlobStore, "get">,
  log: Log,
  verifierKey: string,
): Promise<ExchangeVerdict> {
  const [record, logCheck] = await Promise.all([
    checkIntegrity(row, blobs),
    checkSealed(row, log, verifierKey),
  ]);
  return {
    exchange: row.id,
    verified: record.status === "verified" && logCheck.status === "included",
    record,
    log: logCheck,
  };
}

/** The log half alone (the replay page shows the record half already): is the row's recomputed hash sealed? */
export async function checkSealed(row: ExchangeRow, log: Log, verifierKey: string): Promise<LogCheck> {
  const [recomputed, head] = await Promise.all([recomputeRecordHash(row), log.latest()]);
  return checkLog(row.id, recomputed, head, log, verifierKey);
}

async function checkLog(
  id: string,
  recomputed: string,
  head: TreeHead | null,
  log: Log,
  verifierKey: string,
): Promise<LogCheck> {
  if (!head) return { status: "pending", head: null, detail: "no tree head has been signed yet" };
  const view: HeadView = { size: head.size, at: head.at, note: head.note };
  const opened = await verifyNote(head.note, verifierKey);
  if (!opened.ok)
    return {
      status: "bad_head",
      head: view,
      detail: `the latest tree head does not verify: ${opened.message}`,
    };
  const checkpoint = parseCheckpoint(opened.body);
  if (checkpoint.size !== head.size)
    return {
      status: "bad_head",
      head: view,
      detail: `the head says ${checkpoint.size} leaves, the log ${head.size}`,
    };
  // A head signed over the empty log proves nothing about anyone (and the log has no tree of size 0).
  if (head.size === 0)
    return { status: "pending", head: view, detail: "the latest tree head covers no leaves yet" };
  const [inclusion] = await log.inclusion([id], head.size);
  if (!inclusion || "missing" in inclusion)
    return inclusion?.missing === "not under this tree head"
      ? {
          status: "pending",
          head: view,
          detail: `sealed after the latest head (${head.size} leaves); the next hourly head covers it`,
        }
      : { status: "not_in_log", head: view, detail: "this exchange is not in the evidence log" };
  if (inclusion.recordHash !== recomputed)
    return {
      status: "altered",
      head: view,
      detail: `the log sealed record hash ${inclusion.recordHash}; the stored record now hashes to ${recomputed}`,
    };
  const leaf = await leafHash(hexToBytes(recomputed));
  const proof = inclusion.proof.map((h) => hexToBytes(h));
  const ok = await verifyInclusion(leaf, inclusion.leaf, head.size, proof, checkpoint.rootHash);
  return ok
    ? {
        status: "included",
        head: view,
        leaf: inclusion.leaf,
        proof: inclusion.proof,
        detail: `leaf ${inclusion.leaf} of ${head.size}, proof checked against the signed root`,
      }
    : {
        status: "proof_failed",
        head: view,
        detail: `the inclusion proof of leaf ${inclusion.leaf} does not reach the signed root`,
      };
}
