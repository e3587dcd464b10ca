import { hexToBytes } from "@noble/hashes/utils.js";
import { describe, expect, it } from "vitest";
import type { Checkpoint } from "../../worker/src/evidence/checkpoint.ts";
import { consistencyProof, leafHash, rootOf } from "../../worker/src/evidence/merkle.ts";
import { sha256Hex } from "../../worker/src/snapshot/record-hash.ts";
import { verifyCheckpointChain } from "../../scripts/lib/verify/checkpoint-chain.ts";

/**
 * verifyCheckpointChain: a tree head kept from earlier (by an auditor, or in an old export) and a later one
 * are consistent only if the log appended between them. A log that rewrote a leaf under the old head,
 * then issued a new head over the rewritten tree, cannot prove consistency with the head it issued before.
 */
const ORIGIN = "verbatim/verbatim.localhost/log";

async function leaves(n: number, rewritten?: number): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  for (let i = 0; i < n; i++) {
    out.push(
      await leafHash(hexToBytes(await sha256Hex(i === rewritten ? `record ${i}, rewritten` : `record ${i}`))),
    );
  }
  return out;
}

async function head(tree: Uint8Array[], size: number, origin = ORIGIN): Promise<Checkpoint> {
  return { origin, size, rootHash: await rootOf(tree.slice(0, size)), extensions: [] };
}

describe("verifyCheckpointChain", () => {
  it.each([
    [1, 2],
    [5, 13],
    [8, 8],
    [8, 17],
    [0, 6],
  ])("accepts a log that only appended, from size %i to %i", async (oldSize, newSize) => {
    const tree = await leaves(newSize);
    const proof = await consistencyProof(tree, oldSize);
    expect(await verifyCheckpointChain(await head(tree, oldSize), await head(tree, newSize), proof)).toEqual({
      ok: true,
    });
  });

  it.each([
    ["its first leaf", 0],
    ["a leaf in the middle", 3],
    ["its last leaf", 6],
  ])("refuses a log that rewrote %s under the older head", async (_, rewritten) => {
    const honest = await leaves(7);
    const older = await head(honest, 7);
    const rewrittenTree = await leaves(12, rewritten);
    const newer = await head(rewrittenTree, 12);
    const result = await verifyCheckpointChain(older, newer, await consistencyProof(rewrittenTree, 7));
    expect(result).toEqual({
      ok: false,
      reason: expect.stringMatching(/^no consistency from size 7 \(root [0-9a-f]{64}\) to size 12/),
    });
  });

  it("refuses heads of different logs, and an older head larger than the newer", async () => {
    const tree = await leaves(9);
    const proof = await consistencyProof(tree, 4);
    const other = await verifyCheckpointChain(
      await head(tree, 4, "verbatim/other.example/log"),
      await head(tree, 9),
      proof,
    );
    expect(other).toEqual({ ok: false, reason: expect.stringMatching(/different logs/) });
    const shrunk = await verifyCheckpointChain(await head(tree, 9), await head(tree, 4), proof);
    expect(shrunk).toEqual({ ok: false, reason: expect.stringMatching(/more than the newer head's 4/) });
  });
});
