import { bytesToHex } from "@noble/hashes/utils.js";
import type { Checkpoint } from "../../../worker/src/evidence/checkpoint.ts";
import { verifyConsistency } from "../../../worker/src/evidence/merkle.ts";

/**
 * Did the log only append between two tree heads? Given an older and a newer checkpoint of the same log
 * (each already signature-checked) and the RFC 9162 §2.1.4 consistency proof between them, the newer tree
 * must contain the older one unchanged. A log that rewrote any leaf under the older head cannot produce
 * such a proof, so this is how a holder of an old export, or an auditor keeping every head, catches a
 * rewritten past.
 */
export type ChainResult = { ok: true } | { ok: false; reason: string };

export async function verifyCheckpointChain(
  older: Checkpoint,
  newer: Checkpoint,
  proof: readonly Uint8Array[],
): Promise<ChainResult> {
  if (older.origin !== newer.origin) {
    return { ok: false, reason: `the heads are of different logs (${older.origin}, ${newer.origin})` };
  }
  if (older.size > newer.size) {
    return {
      ok: false,
      reason: `the older head has ${older.size} leaves, more than the newer head's ${newer.size}`,
    };
  }
  const consistent = await verifyConsistency(older.size, newer.size, older.rootHash, newer.rootHash, proof);
  if (consistent) return { ok: true };
  return {
    ok: false,
    reason: `no consistency from size ${older.size} (root ${bytesToHex(older.rootHash)}) to size ${newer.size} (root ${bytesToHex(newer.rootHash)}): the log is not an append-only extension of the older head`,
  };
}
