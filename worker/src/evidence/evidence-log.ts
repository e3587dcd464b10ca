import { DurableObject } from "cloudflare:workers";
import { bytesToHex, hexToBytes } from "@noble/hashes/utils.js";
import { AuditLog } from "../audit/audit-log.ts";
import { checkpointBody } from "./checkpoint.ts";
import { logSigner, type LogKeyEnv } from "./log-keys.ts";
import { consistencyProofOf, inclusionProofOf } from "./merkle.ts";
import { signNote } from "./signed-note.ts";
import { appendLeaf, leafHashOf, storedRoot, storedTree, type NodeStore } from "./stored-tree.ts";

/** What the log needs from the Worker's bindings: R2 for published heads, D1 for the audit chain's head. */
type LogEnv = LogKeyEnv & { BLOBS: R2Bucket; DB: D1Database };

export type Leaf = { id: string; recordHash: string };
export type TreeHead = { size: number; at: number; note: string };
export type Inclusion =
  | { id: string; leaf: number; recordHash: string; proof: string[] }
  | { id: string; missing: "not in the log" | "not under this tree head" };

const HEX64 = /^[0-9a-f]{64}$/;
/** SHA-256 of the empty string: the root of the empty tree (RFC 9162 §2.1.1). */
const EMPTY_ROOT = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/** Published heads: the prefix the README tells operators to lock with an R2 bucket lock. */
export const CHECKPOINT_PREFIX = "evidence/checkpoints/";

/**
 * The evidence log: one Durable Object for the deployment (name EVIDENCE_LOG), the single writer of an
 * append-only RFC 9162 Merkle tree over record hashes. Leaves arrive from the records consumer after their
 * chunk is indexed (persist/consume-records.ts), in batches, each batch one storage transaction; an exchange
 * already in the log is skipped, so redelivered chunks append nothing. Every complete subtree is stored
 * (stored-tree.ts), so heads and proofs read O(log n) rows. Signed heads (C2SP checkpoints) are kept here and
 * published to R2 under CHECKPOINT_PREFIX.
 */
export class EvidenceLog extends DurableObject<LogEnv> {
  #size: number | null = null;

  constructor(ctx: DurableObjectState, env: LogEnv) {
    super(ctx, env);
    ctx.storage.sql.exec(`
      CREATE TABLE IF NOT EXISTS leaves (idx INTEGER PRIMARY KEY, exchange_id TEXT NOT NULL UNIQUE, record_hash TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS nodes (level INTEGER NOT NULL, idx INTEGER NOT NULL, hash BLOB NOT NULL, PRIMARY KEY (level, idx)) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS heads (size INTEGER PRIMARY KEY, at INTEGER NOT NULL, note TEXT NOT NULL);
    `);
  }

  get #nodes(): NodeStore {
    const sql = this.ctx.storage.sql;
    return {
      get(level, index) {
        const row = sql
          .exec<{ hash: ArrayBuffer }>("SELECT hash FROM nodes WHERE level = ? AND idx = ?", level, index)
          .toArray()[0];
        return row ? new Uint8Array(row.hash) : null;
      },
      put(level, index, hash) {
        sql.exec("INSERT OR REPLACE INTO nodes (level, idx, hash) VALUES (?, ?, ?)", level, index, hash);
      },
    };
  }

  size(): number {
    this.#size ??= this.ctx.storage.sql.exec<{ n: number }>("SELECT count(*) AS n FROM leaves").one().n;
    return this.#size;
  }

  /** Appends the leaves not in the log yet, in order, in one transaction. */
  append(leaves: readonly Leaf[]): { size: number; appended: number } {
    for (const leaf of leaves)
      if (!HEX64.test(leaf.recordHash))
        throw new Error(`evidence log: ${leaf.id} has no SHA-256 record hash`);
    const sql = this.ctx.storage.sql;
    const nodes = this.#nodes;
    let appended = 0;
    const start = this.size();
    try {
      this.ctx.storage.transactionSync(() => {
        let size = start;
        for (const leaf of leaves) {
          const known = sql.exec("SELECT 1 FROM leaves WHERE exchange_id = ?", leaf.id).toArray().length > 0;
          if (known) continue;
          sql.exec(
            "INSERT INTO leaves (idx, exchange_id, record_hash) VALUES (?, ?, ?)",
            size,
            leaf.id,
            leaf.recordHash,
          );
          appendLeaf(nodes, size, leafHashOf(hexToBytes(leaf.recordHash)));
          size += 1;
          appended += 1;
        }
      });
    } finally {
      // Rolled back or not, the count is read again rather than trusted.
      this.#size = null;
    }
    return { size: this.size(), appended };
  }

  /** The ids among `ids` that are not leaves yet. */
  missing(ids: readonly string[]): string[] {
    const sql = this.ctx.storage.sql;
    return ids.filter(
      (id) => sql.exec("SELECT 1 FROM leaves WHERE exchange_id = ?", id).toArray().length === 0,
    );
  }

  /** The root of the first `size` leaves, hex. */
  root(size: number = this.size()): string {
    if (!Number.isSafeInteger(size) || size < 0 || size > this.size())
      throw new RangeError(`no tree of size ${size}`);
    return size === 0 ? EMPTY_ROOT : bytesToHex(storedRoot(this.#nodes, 0, size));
  }

  latest(): TreeHead | null {
    return (
      this.ctx.storage.sql
        .exec<TreeHead>("SELECT size, at, note FROM heads ORDER BY size DESC LIMIT 1")
        .toArray()[0] ?? null
    );
  }

  head(size: number): TreeHead | null {
    return (
      this.ctx.storage.sql
        .exec<TreeHead>("SELECT size, at, note FROM heads WHERE size = ?", size)
        .toArray()[0] ?? null
    );
  }

  heads(limit: number, before: number = Number.MAX_SAFE_INTEGER): TreeHead[] {
    return this.ctx.storage.sql
      .exec<TreeHead>(
        "SELECT size, at, note FROM heads WHERE size < ? ORDER BY size DESC LIMIT ?",
        before,
        limit,
      )
      .toArray();
  }

  /**
   * Signs a head over the whole log unless the latest head already covers it. The head carries the time
   * and the audit log's chain head, so the signed heads also anchor the audit chain.
   */
  async sign(now: number = Date.now()): Promise<TreeHead> {
    const size = this.size();
    const latest = this.latest();
    if (latest && latest.size === size) return latest;
    const rootHash = hexToBytes(this.root(size));
    const signer = await logSigner(this.env);
    const audit = await new AuditLog(this.env.DB).head().catch(() => null);
    const extensions = [`time ${new Date(now).toISOString()}`];
    if (audit) extensions.push(`audit ${audit.seq} ${audit.hash}`);
    const note = await signNote(checkpointBody({ origin: signer.name, size, rootHash, extensions }), signer);
    this.ctx.storage.sql.exec(
      "INSERT OR IGNORE INTO heads (size, at, note) VALUES (?, ?, ?)",
      size,
      now,
      note,
    );
    const stored = this.head(size) ?? { size, at: now, note };
    await this.env.BLOBS.put(
      `${CHECKPOINT_PREFIX}${String(size).padStart(12, "0")}-${stored.at}.txt`,
      stored.note,
      {
        httpMetadata: { contentType: "text/plain; charset=utf-8" },
      },
    );
    return stored;
  }

  /** Inclusion proofs of exchanges under the tree head of `size` leaves. */
  async inclusion(ids: readonly string[], size: number): Promise<Inclusion[]> {
    if (!Number.isSafeInteger(size) || size < 1 || size > this.size())
      throw new RangeError(`no tree of size ${size}`);
    const tree = storedTree(this.#nodes, size);
    const out: Inclusion[] = [];
    for (const id of ids) {
      const row = this.ctx.storage.sql
        .exec<{ idx: number; record_hash: string }>(
          "SELECT idx, record_hash FROM leaves WHERE exchange_id = ?",
          id,
        )
        .toArray()[0];
      if (!row) out.push({ id, missing: "not in the log" });
      else if (row.idx >= size) out.push({ id, missing: "not under this tree head" });
      else
        out.push({
          id,
          leaf: row.idx,
          recordHash: row.record_hash,
          proof: (await inclusionProofOf(tree, row.idx)).map(bytesToHex),
        });
    }
    return out;
  }

  /** The consistency proof from the tree of `from` leaves to the tree of `to`. */
  async consistency(from: number, to: number): Promise<string[]> {
    if (!Number.isSafeInteger(to) || to < 0 || to > this.size())
      throw new RangeError(`no tree of size ${to}`);
    return (await consistencyProofOf(storedTree(this.#nodes, to), from)).map(bytesToHex);
  }
}

/** The log as its callers see it. */
export type EvidenceLogObject = Rpc.DurableObjectBranded & {
  size(): Promise<number>;
  append(leaves: readonly Leaf[]): Promise<{ size: number; appended: number }>;
  missing(ids: readonly string[]): Promise<string[]>;
  root(size?: number): Promise<string>;
  latest(): Promise<TreeHead | null>;
  head(size: number): Promise<TreeHead | null>;
  heads(limit: number, before?: number): Promise<TreeHead[]>;
  sign(now?: number): Promise<TreeHead>;
  inclusion(ids: readonly string[], size: number): Promise<Inclusion[]>;
  consistency(from: number, to: number): Promise<string[]>;
};

/** The one log's name: every isolate reaches the same object. */
export const EVIDENCE_LOG = "evidence-log";

export function evidenceLog(env: {
  EVIDENCE: DurableObjectNamespace<EvidenceLogObject>;
}): DurableObjectStub<EvidenceLogObject> {
  return env.EVIDENCE.get(env.EVIDENCE.idFromName(EVIDENCE_LOG));
}
