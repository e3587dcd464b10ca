import { sha256 } from "@noble/hashes/sha2.js";
import { concatBytes } from "@noble/hashes/utils.js";
import type { SubtreeSource } from "./merkle.ts";

/**
 * The evidence log's tree as it is stored: every complete subtree (2^level leaves starting at a multiple of
 * 2^level) is kept under (level, index) when its last leaf arrives. Any range the RFC 9162 recursion visits
 * splits into O(log n) of them, so roots and proofs read a handful of nodes however large the log is, and
 * an append writes at most log2(n) + 1 nodes. Hashing is synchronous (@noble/hashes) because the log's
 * Durable Object appends a whole batch inside one storage transaction; the hashes are RFC 9162's, checked
 * against merkle.ts's in test/evidence/stored-tree.test.ts.
 */
export type NodeStore = {
  get(level: number, index: number): Uint8Array | null;
  put(level: number, index: number, hash: Uint8Array): void;
};

const LEAF = Uint8Array.of(0x00);
const NODE = Uint8Array.of(0x01);

export function leafHashOf(entry: Uint8Array): Uint8Array {
  return sha256(concatBytes(LEAF, entry));
}

function nodeHashOf(left: Uint8Array, right: Uint8Array): Uint8Array {
  return sha256(concatBytes(NODE, left, right));
}

function need(store: NodeStore, level: number, index: number): Uint8Array {
  const hash = store.get(level, index);
  if (!hash) throw new Error(`evidence log: node ${level}/${index} is missing`);
  return hash;
}

/**
 * Appends leaf number `size` (0-based): stores it, then every subtree it completes, bottom up. The caller
 * owns the size (the Durable Object's leaf count) and runs this inside its transaction.
 */
export function appendLeaf(store: NodeStore, size: number, leafHash: Uint8Array): void {
  store.put(0, size, leafHash);
  let level = 0;
  let index = size;
  let hash = leafHash;
  // A subtree is complete when its index is odd: its left sibling is complete already.
  while (index % 2 === 1) {
    hash = nodeHashOf(need(store, level, index - 1), hash);
    level += 1;
    index = (index - 1) / 2;
    store.put(level, index, hash);
  }
}

/** The largest power of two strictly below n (n > 1): the RFC's split point. */
function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** MTH of leaves [start, end) of the stored tree. */
export function storedRoot(store: NodeStore, start: number, end: number): Uint8Array {
  const n = end - start;
  if (n < 1) throw new RangeError(`empty range ${start}..${end}`);
  const level = Math.log2(n);
  if (Number.isInteger(level) && start % n === 0) return need(store, level, start / n);
  const k = splitPoint(n);
  return nodeHashOf(storedRoot(store, start, start + k), storedRoot(store, start + k, end));
}

/** The first `size` leaves of the stored tree, as merkle.ts's proofs read a tree. */
export function storedTree(store: NodeStore, size: number): SubtreeSource {
  return { size, root: (start, end) => Promise.resolve(storedRoot(store, start, end)) };
}
