/**
 * The Merkle tree of the evidence log, as Certificate Transparency defines it (RFC 9162 §2.1, the same tree
 * as RFC 6962 §2.1): leaves are record hashes, and a signed root over the first n of them commits to all n.
 * Inclusion proofs show one record is under a root; consistency proofs show a later root only appended to an
 * earlier one, so a log that rewrote history cannot produce one. Following the RFC exactly means any CT
 * verifier (transparency-dev/merkle, certificate-transparency-go) can check our proofs.
 *
 * Pure: hashes in, hashes out. Recursion splits the range at a power of two each time, so its depth is at
 * most log2(n) + 1 (54 for the largest safe integer). Sizes and indices are plain numbers, and bit tests use
 * arithmetic because JavaScript's bit operators truncate to 32 bits.
 */

/** Every node is a SHA-256 digest. */
const HASH_BYTES = 32;

/** Domain separation (RFC 9162 §2.1.1): a leaf can never be passed off as an interior node, nor the reverse. */
const LEAF_PREFIX = 0x00;
const NODE_PREFIX = 0x01;

async function sha256(...parts: readonly Uint8Array[]): Promise<Uint8Array> {
  const joined = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    joined.set(part, at);
    at += part.length;
  }
  return new Uint8Array(await crypto.subtle.digest("SHA-256", joined));
}

/** MTH({d(0)}) = SHA-256(0x00 || d(0)) (RFC 9162 §2.1.1). For us the entry is a record hash's bytes. */
export function leafHash(entry: Uint8Array): Promise<Uint8Array> {
  return sha256(Uint8Array.of(LEAF_PREFIX), entry);
}

/** SHA-256(0x01 || left || right) (RFC 9162 §2.1.1). */
export function nodeHash(left: Uint8Array, right: Uint8Array): Promise<Uint8Array> {
  return sha256(Uint8Array.of(NODE_PREFIX), left, right);
}

/** MTH of the empty tree: the hash of the empty string (RFC 9162 §2.1.1). */
export function emptyRoot(): Promise<Uint8Array> {
  return sha256();
}

/** k, the largest power of two smaller than n (n > 1): where every MTH, PATH and PROOF splits the range. */
function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** The hash at `index` of a list the caller has already bounds-checked. */
function at(hashes: readonly Uint8Array[], index: number): Uint8Array {
  const hash = hashes[index];
  if (hash === undefined) throw new RangeError(`no hash at ${index} of ${hashes.length}`);
  return hash;
}

/** MTH(D[n]) over leaf hashes (RFC 9162 §2.1.1): left subtree of k leaves, right subtree of the rest. */
export async function rootOf(leafHashes: readonly Uint8Array[]): Promise<Uint8Array> {
  if (leafHashes.length === 0) return emptyRoot();
  return subtreeRoot(leafHashes, 0, leafHashes.length);
}

/**
 * A tree as the proofs need it: its size and the root of any subtree [start, end) that the RFC's recursion
 * visits. A list of leaf hashes recomputes them; the stored log (stored-tree.ts) reads them from the
 * complete subtrees it keeps, so a proof costs O(log n) reads instead of n hashes.
 */
export type SubtreeSource = {
  size: number;
  root(start: number, end: number): Promise<Uint8Array>;
};

function fromLeaves(leafHashes: readonly Uint8Array[]): SubtreeSource {
  return { size: leafHashes.length, root: (start, end) => subtreeRoot(leafHashes, start, end) };
}

/** MTH of leaves [start, end), end > start, without copying the list at each level. */
async function subtreeRoot(leaves: readonly Uint8Array[], start: number, end: number): Promise<Uint8Array> {
  const n = end - start;
  if (n === 1) return at(leaves, start);
  const k = splitPoint(n);
  const [left, right] = await Promise.all([
    subtreeRoot(leaves, start, start + k),
    subtreeRoot(leaves, start + k, end),
  ]);
  return nodeHash(left, right);
}

/**
 * PATH(m, D[n]) (RFC 9162 §2.1.3.1): the sibling subtree roots from the leaf up to the root, nearest first.
 * Throws a RangeError for an index outside the tree: there is no proof to give, and returning [] would
 * be the (valid) proof of a one-leaf tree.
 */
export function inclusionProof(leafHashes: readonly Uint8Array[], index: number): Promise<Uint8Array[]> {
  return inclusionProofOf(fromLeaves(leafHashes), index);
}

/** PATH(m, D[n]) over any subtree source. */
export async function inclusionProofOf(tree: SubtreeSource, index: number): Promise<Uint8Array[]> {
  const n = tree.size;
  if (!Number.isSafeInteger(index) || index < 0 || index >= n) {
    throw new RangeError(`leaf index ${index} is outside a tree of ${n}`);
  }
  const path: Uint8Array[] = [];
  // Walk down from the whole tree to the leaf, collecting the sibling at each split; siblings nearer the
  // leaf come first in PATH, so they are prepended.
  let start = 0;
  let end = n;
  while (end - start > 1) {
    const k = splitPoint(end - start);
    if (index < start + k) {
      path.unshift(await tree.root(start + k, end));
      end = start + k;
    } else {
      path.unshift(await tree.root(start, start + k));
      start += k;
    }
  }
  return path;
}

/**
 * PROOF(m, D[n]) = SUBPROOF(m, D[n], true) (RFC 9162 §2.1.4.1): the fewest subtree roots from which both the
 * old root (first m leaves) and the new root (all n) can be rebuilt. Empty when m = n (nothing to prove)
 * and when m = 0 (the empty tree is a prefix of every tree). Throws a RangeError when m > n.
 */
export function consistencyProof(leafHashes: readonly Uint8Array[], oldSize: number): Promise<Uint8Array[]> {
  return consistencyProofOf(fromLeaves(leafHashes), oldSize);
}

/** PROOF(m, D[n]) over any subtree source. */
export async function consistencyProofOf(tree: SubtreeSource, oldSize: number): Promise<Uint8Array[]> {
  const n = tree.size;
  if (!Number.isSafeInteger(oldSize) || oldSize < 0 || oldSize > n) {
    throw new RangeError(`old size ${oldSize} is outside a tree of ${n}`);
  }
  if (oldSize === 0) return [];
  return subproof(tree, oldSize, 0, n, true);
}

/**
 * SUBPROOF(m, D[start:end], b). `b` says whether the subtree holding the old tree's last leaf is itself a
 * root of the old tree: then the verifier already has it (the old root), so it is left out of the proof.
 */
async function subproof(
  tree: SubtreeSource,
  m: number,
  start: number,
  end: number,
  completeOld: boolean,
): Promise<Uint8Array[]> {
  const n = end - start;
  if (m === n) return completeOld ? [] : [await tree.root(start, end)];
  const k = splitPoint(n);
  if (m <= k) {
    // The old tree lies in the left subtree; the right one is all new.
    const proof = await subproof(tree, m, start, start + k, completeOld);
    proof.push(await tree.root(start + k, end));
    return proof;
  }
  // The left subtree is complete in both trees; the old tree's remainder lies in the right one.
  const proof = await subproof(tree, m - k, start + k, end, false);
  proof.push(await tree.root(start, start + k));
  return proof;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

const isOdd = (x: number) => x % 2 === 1;
const half = (x: number) => Math.floor(x / 2);
const isHash = (hash: Uint8Array) => hash.length === HASH_BYTES;
const isSize = (x: number) => Number.isSafeInteger(x) && x >= 0;

/**
 * The inclusion verification of RFC 9162 §2.1.3.2, step by step: fold the path into the leaf hash, taking
 * each sibling from the left or the right as the leaf's position (fn) in the last index's subtree (sn)
 * says, and accept only if the path ran out exactly at the root (sn = 0) and the result is `root`.
 */
export async function verifyInclusion(
  leaf: Uint8Array,
  index: number,
  treeSize: number,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): Promise<boolean> {
  if (!isSize(index) || !isSize(treeSize) || index >= treeSize) return false;
  if (!isHash(leaf) || !isHash(root) || !proof.every(isHash)) return false;
  let fn = index;
  let sn = treeSize - 1;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0) return false; // more path than tree
    if (isOdd(fn) || fn === sn) {
      r = await nodeHash(p, r);
      // On the tree's right edge (fn = sn, even) the levels where this subtree has no sibling are skipped.
      while (!isOdd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      r = await nodeHash(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && sameBytes(r, root);
}

/**
 * The consistency verification of RFC 9162 §2.1.4.2: rebuild the old root (fr) and the new root (sr) from
 * the same proof; both must match and the proof must climb exactly to the new root (sn = 0). The RFC's
 * algorithm covers 0 < oldSize < newSize; the ends are settled here as transparency-dev/merkle does, with
 * an empty proof: equal sizes need equal roots, and size 0 needs the old root to be the empty tree's.
 */
export async function verifyConsistency(
  oldSize: number,
  newSize: number,
  oldRoot: Uint8Array,
  newRoot: Uint8Array,
  proof: readonly Uint8Array[],
): Promise<boolean> {
  if (!isSize(oldSize) || !isSize(newSize) || oldSize > newSize) return false;
  if (!isHash(oldRoot) || !isHash(newRoot) || !proof.every(isHash)) return false;
  if (oldSize === 0) return proof.length === 0 && sameBytes(oldRoot, await emptyRoot());
  if (oldSize === newSize) return proof.length === 0 && sameBytes(oldRoot, newRoot);
  // Step 1: between different sizes there is always something to prove.
  if (proof.length === 0) return false;
  // Step 2: a power-of-two old tree is a complete subtree of the new one, so the proof leaves its root out.
  const path = isPowerOfTwo(oldSize) ? [oldRoot, ...proof] : [...proof];
  // Steps 3-4: skip the levels where the old tree's last leaf is a right child, as the proof starts above them.
  let fn = oldSize - 1;
  let sn = newSize - 1;
  while (isOdd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  // Step 5.
  const [first, ...rest] = path;
  if (first === undefined) return false;
  let fr = first;
  let sr = first;
  // Step 6.
  for (const c of rest) {
    if (sn === 0) return false; // more proof than tree
    if (isOdd(fn) || fn === sn) {
      fr = await nodeHash(c, fr);
      sr = await nodeHash(c, sr);
      while (!isOdd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      // A subtree that is new: it extends the new root only.
      sr = await nodeHash(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  // Step 7.
  return sn === 0 && sameBytes(fr, oldRoot) && sameBytes(sr, newRoot);
}

function isPowerOfTwo(n: number): boolean {
  let k = 1;
  while (k < n) k *= 2;
  return k === n;
}
