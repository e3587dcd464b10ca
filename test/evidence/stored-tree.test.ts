import { describe, expect, it } from "vitest";
import {
  consistencyProof,
  consistencyProofOf,
  inclusionProof,
  inclusionProofOf,
  leafHash,
  rootOf,
} from "../../worker/src/evidence/merkle.ts";
import {
  appendLeaf,
  leafHashOf,
  storedRoot,
  storedTree,
  type NodeStore,
} from "../../worker/src/evidence/stored-tree.ts";

function memoryStore(): NodeStore & { writes: number } {
  const nodes = new Map<string, Uint8Array>();
  return {
    writes: 0,
    get: (level, index) => nodes.get(`${level}/${index}`) ?? null,
    put(level, index, hash) {
      this.writes++;
      nodes.set(`${level}/${index}`, hash);
    },
  };
}

const hex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
const entry = (i: number) => new TextEncoder().encode(`record ${i}`);

describe("the stored tree gives the same roots and proofs as the tree recomputed from every leaf", () => {
  const N = 70;
  const store = memoryStore();
  const leaves: Uint8Array[] = [];

  it("hashes leaves as RFC 9162 does", async () => {
    expect(hex(leafHashOf(entry(7)))).toBe(hex(await leafHash(entry(7))));
  });

  it("for every size up to 70: root, every inclusion proof, every consistency proof", async () => {
    for (let size = 1; size <= N; size++) {
      const leaf = leafHashOf(entry(size - 1));
      appendLeaf(store, size - 1, leaf);
      leaves.push(leaf);
      expect(hex(storedRoot(store, 0, size)), `root of ${size}`).toBe(hex(await rootOf(leaves)));
      const tree = storedTree(store, size);
      for (let i = 0; i < size; i++) {
        const stored = (await inclusionProofOf(tree, i)).map(hex);
        expect(stored, `inclusion ${i} of ${size}`).toEqual((await inclusionProof(leaves, i)).map(hex));
      }
      for (let old = 0; old <= size; old++) {
        const stored = (await consistencyProofOf(tree, old)).map(hex);
        expect(stored, `consistency ${old}→${size}`).toEqual((await consistencyProof(leaves, old)).map(hex));
      }
    }
  });

  it("writes about two nodes per leaf (each leaf plus the subtrees it completes)", () => {
    expect(store.writes).toBeLessThanOrEqual(2 * N);
    expect(store.writes).toBeGreaterThanOrEqual(N);
  });

  it("refuses a range whose nodes were never stored", () => {
    expect(() => storedRoot(memoryStore(), 0, 4)).toThrow(/missing/);
  });
});
