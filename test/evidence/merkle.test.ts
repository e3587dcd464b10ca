import { bytesToHex, hexToBytes } from "@noble/hashes/utils.js";
import { beforeAll, describe, expect, it } from "vitest";
import {
  consistencyProof,
  emptyRoot,
  inclusionProof,
  leafHash,
  rootOf,
  verifyConsistency,
  verifyInclusion,
} from "../../worker/src/evidence/merkle.ts";

/*
 * Known answers: the RFC 6962 reference vectors shared by Certificate Transparency implementations, copied
 * from transparency-dev/merkle proof/verify_test.go (the same values as certificate-transparency-go and the
 * C++ log's merkle_tree_test). Their leaf indices are 1-based there; here they are 0-based.
 */
const LEAF_INPUTS = [
  "",
  "00",
  "10",
  "2021",
  "3031",
  "40414243",
  "5051525354555657",
  "606162636465666768696a6b6c6d6e6f",
];

/** ROOTS[n - 1] is the root of the tree over the first n inputs. */
const ROOTS = [
  "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
  "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
  "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
  "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
  "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
  "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
  "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
  "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
] as const;

const EMPTY_ROOT = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

const INCLUSION_VECTORS: { index: number; size: number; proof: string[] }[] = [
  { index: 0, size: 1, proof: [] },
  {
    index: 0,
    size: 8,
    proof: [
      "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
      "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
    ],
  },
  {
    index: 5,
    size: 8,
    proof: [
      "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
      "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    ],
  },
  { index: 2, size: 3, proof: ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"] },
  {
    index: 1,
    size: 5,
    proof: [
      "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
      "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
    ],
  },
];

const CONSISTENCY_VECTORS: { oldSize: number; newSize: number; proof: string[] }[] = [
  { oldSize: 1, newSize: 1, proof: [] },
  {
    oldSize: 1,
    newSize: 8,
    proof: [
      "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
      "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
    ],
  },
  {
    oldSize: 6,
    newSize: 8,
    proof: [
      "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
      "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    ],
  },
  {
    oldSize: 2,
    newSize: 5,
    proof: [
      "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
    ],
  },
  {
    oldSize: 6,
    newSize: 7,
    proof: [
      "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
      "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    ],
  },
];

const hex = (hashes: readonly Uint8Array[]) => hashes.map(bytesToHex);
const unhex = (hashes: readonly string[]) => hashes.map(hexToBytes);
const rootAt = (size: number) => hexToBytes(ROOTS[size - 1] ?? "");
const SOME_HASH = hexToBytes("abacaba000000000000000000000000000000000000000000060061e00123456");

/** A copy with one byte changed, as a forger rewriting a hash would leave it. */
function flipped(hash: Uint8Array, at = 0): Uint8Array {
  const copy = Uint8Array.from(hash);
  copy[at] = (copy[at] ?? 0) ^ 0x10;
  return copy;
}

function withFlipped(proof: readonly Uint8Array[], at: number): Uint8Array[] {
  return proof.map((hash, i) => (i === at ? flipped(hash) : hash));
}

/** One probe per proof element, each changing one byte of it. */
function flips<P extends { proof: Uint8Array[] }>(length: number): [string, (p: P) => P][] {
  return Array.from({ length }, (_, at) => [
    `flipped proof[${at}]`,
    (p: P) => ({ ...p, proof: withFlipped(p.proof, at) }),
  ]);
}

function need<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`missing ${what}`);
  return value;
}

let vectorLeaves: Uint8Array[] = [];
beforeAll(async () => {
  vectorLeaves = await Promise.all(LEAF_INPUTS.map((input) => leafHash(hexToBytes(input))));
});

describe("rootOf", () => {
  it("gives the hash of the empty string for the empty tree", async () => {
    expect(bytesToHex(await rootOf([]))).toBe(EMPTY_ROOT);
    expect(bytesToHex(await emptyRoot())).toBe(EMPTY_ROOT);
  });

  it.each(ROOTS.map((root, i) => [i + 1, root] as const))(
    "matches the reference root of size %i",
    async (size, root) => {
      expect(bytesToHex(await rootOf(vectorLeaves.slice(0, size)))).toBe(root);
    },
  );
});

describe("inclusionProof / verifyInclusion: reference vectors", () => {
  it.each(INCLUSION_VECTORS)(
    "leaf $index of $size: builds the reference proof and it verifies",
    async (v) => {
      const leaves = vectorLeaves.slice(0, v.size);
      expect(hex(await inclusionProof(leaves, v.index))).toEqual(v.proof);
      const leaf = need(leaves[v.index], "leaf");
      expect(await verifyInclusion(leaf, v.index, v.size, unhex(v.proof), rootAt(v.size))).toBe(true);
    },
  );

  /** The corruptions transparency-dev/merkle tries on each vector (corruptInclusionProof); none may verify. */
  type Probe = { index: number; size: number; leaf: Uint8Array; proof: Uint8Array[]; root: Uint8Array };
  const PROBES: [string, (p: Probe) => Probe][] = [
    ["index - 1", (p) => ({ ...p, index: p.index - 1 })],
    ["index + 1", (p) => ({ ...p, index: p.index + 1 })],
    ["index ^ 2", (p) => ({ ...p, index: p.index ^ 2 })],
    ["size * 2", (p) => ({ ...p, size: p.size * 2 })],
    ["size / 2", (p) => ({ ...p, size: Math.floor(p.size / 2) })],
    ["wrong leaf", (p) => ({ ...p, leaf: flipped(p.leaf) })],
    ["empty-tree root", (p) => ({ ...p, root: hexToBytes(EMPTY_ROOT) })],
    ["random root", (p) => ({ ...p, root: SOME_HASH })],
    ["trailing garbage", (p) => ({ ...p, proof: [...p.proof, new Uint8Array(0)] })],
    ["trailing root", (p) => ({ ...p, proof: [...p.proof, p.root] })],
    ["preceding garbage", (p) => ({ ...p, proof: [new Uint8Array(0), ...p.proof] })],
    ["preceding root", (p) => ({ ...p, proof: [p.root, ...p.proof] })],
    ["removed component", (p) => ({ ...p, proof: p.proof.slice(0, -1) })],
    [
      "inserted component",
      (p) => ({ ...p, proof: [p.proof[0] ?? SOME_HASH, SOME_HASH, ...p.proof.slice(1)] }),
    ],
  ];

  it.each(INCLUSION_VECTORS.filter((v) => v.proof.length > 0))(
    "leaf $index of $size: refuses every corruption",
    async (v) => {
      const good: Probe = {
        index: v.index,
        size: v.size,
        leaf: need(vectorLeaves[v.index], "leaf"),
        proof: unhex(v.proof),
        root: rootAt(v.size),
      };
      for (const [name, corrupt] of [...PROBES, ...flips<Probe>(good.proof.length)]) {
        const p = corrupt(good);
        expect(await verifyInclusion(p.leaf, p.index, p.size, p.proof, p.root), name).toBe(false);
      }
    },
  );

  it("refuses a tree without the leaf: index past the end, empty tree, negative index", async () => {
    const leaf = need(vectorLeaves[0], "leaf");
    const cases: [number, number][] = [
      [0, 0],
      [1, 0],
      [2, 1],
      [-1, 1],
      [1, 1],
    ];
    for (const [index, size] of cases) {
      expect(await verifyInclusion(leaf, index, size, [], leaf), `${index} of ${size}`).toBe(false);
    }
    await expect(inclusionProof(vectorLeaves.slice(0, 3), 3)).rejects.toThrow(RangeError);
    await expect(inclusionProof([], 0)).rejects.toThrow(RangeError);
  });
});

describe("consistencyProof / verifyConsistency: reference vectors", () => {
  it.each(CONSISTENCY_VECTORS)(
    "$oldSize to $newSize: builds the reference proof and it verifies",
    async (v) => {
      expect(hex(await consistencyProof(vectorLeaves.slice(0, v.newSize), v.oldSize))).toEqual(v.proof);
      expect(
        await verifyConsistency(v.oldSize, v.newSize, rootAt(v.oldSize), rootAt(v.newSize), unhex(v.proof)),
      ).toBe(true);
    },
  );

  /** The corruptions transparency-dev/merkle tries on each vector (corruptConsistencyProof); none may verify. */
  type Probe = {
    oldSize: number;
    newSize: number;
    oldRoot: Uint8Array;
    newRoot: Uint8Array;
    proof: Uint8Array[];
  };
  const PROBES: [string, (p: Probe) => Probe][] = [
    ["old size - 1", (p) => ({ ...p, oldSize: p.oldSize - 1 })],
    ["old size + 1", (p) => ({ ...p, oldSize: p.oldSize + 1 })],
    ["old size ^ 2", (p) => ({ ...p, oldSize: p.oldSize ^ 2 })],
    ["new size * 2", (p) => ({ ...p, newSize: p.newSize * 2 })],
    ["new size / 2", (p) => ({ ...p, newSize: Math.floor(p.newSize / 2) })],
    ["rewritten old root", (p) => ({ ...p, oldRoot: flipped(p.oldRoot) })],
    ["rewritten new root", (p) => ({ ...p, newRoot: flipped(p.newRoot) })],
    ["swapped roots", (p) => ({ ...p, oldRoot: p.newRoot, newRoot: p.oldRoot })],
    ["empty proof", (p) => ({ ...p, proof: [] })],
    ["trailing garbage", (p) => ({ ...p, proof: [...p.proof, new Uint8Array(0)] })],
    ["trailing old root", (p) => ({ ...p, proof: [...p.proof, p.oldRoot] })],
    ["trailing new root", (p) => ({ ...p, proof: [...p.proof, p.newRoot] })],
    ["preceding garbage", (p) => ({ ...p, proof: [new Uint8Array(0), ...p.proof] })],
    ["preceding old root", (p) => ({ ...p, proof: [p.oldRoot, ...p.proof] })],
    ["preceding new root", (p) => ({ ...p, proof: [p.newRoot, ...p.proof] })],
    ["preceding proof[0]", (p) => ({ ...p, proof: [p.proof[0] ?? SOME_HASH, ...p.proof] })],
    ["truncated proof", (p) => ({ ...p, proof: p.proof.slice(0, -1) })],
  ];

  it.each(CONSISTENCY_VECTORS.filter((v) => v.proof.length > 0))(
    "$oldSize to $newSize: refuses every corruption",
    async (v) => {
      const good: Probe = {
        oldSize: v.oldSize,
        newSize: v.newSize,
        oldRoot: rootAt(v.oldSize),
        newRoot: rootAt(v.newSize),
        proof: unhex(v.proof),
      };
      for (const [name, corrupt] of [...PROBES, ...flips<Probe>(good.proof.length)]) {
        const p = corrupt(good);
        expect(await verifyConsistency(p.oldSize, p.newSize, p.oldRoot, p.newRoot, p.proof), name).toBe(
          false,
        );
      }
    },
  );

  const DONT_CARE_1 = flipped(SOME_HASH, 31);
  const DONT_CARE_2 = flipped(SOME_HASH, 30);
  const EMPTY = hexToBytes(EMPTY_ROOT);
  /** The edge cases of transparency-dev/merkle's TestVerifyConsistency, plus the empty-tree rule we add. */
  const EDGES: [string, number, number, Uint8Array, Uint8Array, Uint8Array[], boolean][] = [
    ["same size, different roots", 1, 1, DONT_CARE_1, DONT_CARE_2, [], false],
    ["same size, same root", 1, 1, DONT_CARE_2, DONT_CARE_2, [], true],
    ["empty to empty", 0, 0, EMPTY, EMPTY, [], true],
    ["empty to one leaf", 0, 1, EMPTY, DONT_CARE_2, [], true],
    ["empty tree claimed with a non-empty root", 0, 1, DONT_CARE_1, DONT_CARE_2, [], false],
    ["shrinking 1 to 0", 1, 0, DONT_CARE_1, DONT_CARE_2, [], false],
    ["shrinking 2 to 1", 2, 1, DONT_CARE_1, DONT_CARE_2, [], false],
    ["growing without a proof", 1, 2, DONT_CARE_1, DONT_CARE_2, [], false],
    ["same empty root, proof not empty (0, 0)", 0, 0, EMPTY, EMPTY, [EMPTY], false],
    ["same empty root, proof not empty (0, 1)", 0, 1, EMPTY, EMPTY, [EMPTY], false],
    ["same empty root, proof not empty (1, 1)", 1, 1, EMPTY, EMPTY, [EMPTY], false],
  ];

  it.each(EDGES)("%s: %s", async (_name, oldSize, newSize, oldRoot, newRoot, proof, expected) => {
    expect(await verifyConsistency(oldSize, newSize, oldRoot, newRoot, proof)).toBe(expected);
  });

  it("has no proof from a tree larger than the log", async () => {
    await expect(consistencyProof(vectorLeaves.slice(0, 3), 4)).rejects.toThrow(RangeError);
  });
});

const MAX_SIZE = 40;
const SIZES = Array.from({ length: MAX_SIZE }, (_, i) => i + 1);

describe("Merkle proofs over every tree up to 40 leaves", () => {
  let leaves: Uint8Array[] = [];
  /** roots[n] is the root of the first n leaves. */
  let roots: Uint8Array[] = [];
  beforeAll(async () => {
    leaves = await Promise.all(SIZES.map((i) => leafHash(new TextEncoder().encode(`record ${i}`))));
    roots = await Promise.all([0, ...SIZES].map((n) => rootOf(leaves.slice(0, n))));
  });

  it.each(SIZES)("size %i: each leaf's inclusion proof verifies, and fails when tampered with", async (n) => {
    const tree = leaves.slice(0, n);
    const root = need(roots[n], "root");
    for (let index = 0; index < n; index++) {
      const leaf = need(tree[index], "leaf");
      const proof = await inclusionProof(tree, index);
      const at = `leaf ${index} of ${n}`;
      expect(await verifyInclusion(leaf, index, n, proof, root), at).toBe(true);
      expect(await verifyInclusion(flipped(leaf), index, n, proof, root), `${at}, leaf flipped`).toBe(false);
      expect(await verifyInclusion(leaf, index, n, proof, flipped(root)), `${at}, root flipped`).toBe(false);
      for (let i = 0; i < proof.length; i++) {
        expect(
          await verifyInclusion(leaf, index, n, withFlipped(proof, i), root),
          `${at}, proof[${i}] flipped`,
        ).toBe(false);
      }
      for (const other of [index - 1, index + 1]) {
        expect(await verifyInclusion(leaf, other, n, proof, root), `${at}, claimed as leaf ${other}`).toBe(
          false,
        );
      }
      // Against the tree head of another size (its own root): the proof is bound to its tree.
      for (const size of [n - 1, n + 1]) {
        const otherRoot = roots[size];
        if (size <= index || otherRoot === undefined) continue;
        expect(
          await verifyInclusion(leaf, index, size, proof, otherRoot),
          `${at}, against the head of ${size}`,
        ).toBe(false);
      }
      // Against the right root but a size of a different height (transparency-dev/merkle's size * 2, size / 2).
      for (const size of [n * 2, Math.floor(n / 2)]) {
        expect(await verifyInclusion(leaf, index, size, proof, root), `${at}, claimed size ${size}`).toBe(
          false,
        );
      }
    }
  });

  it.each(SIZES)(
    "size %i: the proof from every earlier size verifies, and fails when tampered with",
    async (n) => {
      const tree = leaves.slice(0, n);
      const newRoot = need(roots[n], "root");
      for (let m = 1; m <= n; m++) {
        const oldRoot = need(roots[m], "old root");
        const proof = await consistencyProof(tree, m);
        const at = `${m} to ${n}`;
        expect(await verifyConsistency(m, n, oldRoot, newRoot, proof), at).toBe(true);
        expect(
          await verifyConsistency(m, n, flipped(oldRoot), newRoot, proof),
          `${at}, old root rewritten`,
        ).toBe(false);
        expect(
          await verifyConsistency(m, n, oldRoot, flipped(newRoot), proof),
          `${at}, new root rewritten`,
        ).toBe(false);
        for (let i = 0; i < proof.length; i++) {
          expect(
            await verifyConsistency(m, n, oldRoot, newRoot, withFlipped(proof, i)),
            `${at}, proof[${i}] flipped`,
          ).toBe(false);
        }
        if (proof.length > 0) {
          expect(
            await verifyConsistency(m, n, oldRoot, newRoot, proof.slice(0, -1)),
            `${at}, truncated`,
          ).toBe(false);
          expect(
            await verifyConsistency(m, n, oldRoot, newRoot, proof.slice(1)),
            `${at}, first dropped`,
          ).toBe(false);
        }
      }
    },
  );
});
