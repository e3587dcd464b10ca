import { VerbatimError } from "../errors/verbatim-error.ts";
import { canonicalJson } from "../snapshot/record-hash.ts";
import type { AuditAction, AuditEntry, AuditInput, ChainHead, ChainResult } from "./audit-entry.ts";
import {
  ChainVerifier,
  GENESIS_HASH,
  GENESIS_HEAD,
  canonicalInput,
  entryFrom,
  entryHash,
} from "./audit-entry.ts";

/**
 * The audit log in the main D1 database (migrations/0009_create_audit_log.sql). Appends are optimistic:
 * read the head, hash the entry onto it, insert it as head + 1. The table's insert trigger refuses an entry
 * that is not the next one, so when another isolate appended first the insert fails and we retry on the new
 * head. D1 runs one writer per database, so the check and the insert cannot interleave with another insert.
 */

/** Each failed attempt means another append succeeded: this many appenders can collide at once. */
const MAX_ATTEMPTS = 32;
/** Rows per read while verifying: memory stays bounded however long the log grows. */
const VERIFY_PAGE = 500;
const LIST_LIMIT = { default: 100, max: 1000 } as const;

export type AuditFilter = {
  actor?: string;
  action?: AuditAction;
  /** Entries at or after this moment (ms since the epoch). */
  from?: number;
  /** Entries before this moment. */
  to?: number;
  /** Cursor: entries after this seq (the last seq of the previous page when reading oldest first). */
  afterSeq?: number;
  /** Cursor: entries before this seq (the last seq of the previous page when reading newest first). */
  beforeSeq?: number;
  /** @default "asc" */
  order?: "asc" | "desc";
  /** @default 100, at most 1000 */
  limit?: number;
};

/** Each filter field as a WHERE clause; the indexes (action, seq), (actor, seq) and (at) serve them. */
const FILTER_CLAUSES = {
  actor: "actor = ?",
  action: "action = ?",
  from: "at >= ?",
  to: "at < ?",
  afterSeq: "seq > ?",
  beforeSeq: "seq < ?",
} as const satisfies Partial<Record<keyof AuditFilter, string>>;

type AuditRow = {
  seq: number;
  at: number;
  actor: string;
  roles: string;
  via: string;
  action: string;
  target: string | null;
  detail: string;
  source: string | null;
  prev_hash: string;
  hash: string;
};

const COLUMNS = "seq, at, actor, roles, via, action, target, detail, source, prev_hash, hash";

export class AuditLog {
  readonly #db: D1Database;

  constructor(db: D1Database) {
    this.#db = db;
  }

  /** Writes one entry at the head of the chain and returns it as stored. */
  async append(input: AuditInput, now: number = Date.now()): Promise<AuditEntry> {
    const fields = canonicalInput(input);
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const head = await this.#db
        .prepare("SELECT seq, at, hash FROM audit_log ORDER BY seq DESC LIMIT 1")
        .first<{ seq: number; at: number; hash: string }>();
      // Never earlier than the entry before, so seq order and time order agree for time-filtered reads.
      const unsealed = { seq: (head?.seq ?? 0) + 1, at: Math.max(now, head?.at ?? 0), ...fields };
      const prevHash = head?.hash ?? GENESIS_HASH;
      const entry: AuditEntry = { ...unsealed, prevHash, hash: await entryHash(prevHash, unsealed) };
      try {
        await this.#db
          .prepare(`INSERT INTO audit_log (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
          .bind(...rowValues(entry))
          .run();
        return entry;
      } catch (error) {
        if (!lostRace(error)) throw error;
        // Spread the losers out so the next round is not the same collision again.
        await new Promise((resolve) => setTimeout(resolve, Math.random() * attempt * 2));
      }
    }
    throw new VerbatimError(
      "storage_unavailable",
      `audit log: ${MAX_ATTEMPTS} attempts to append ${input.action} each lost to another append`,
    );
  }

  /**
   * Writes several entries at the head of the chain in one D1 transaction, in order, and returns them as
   * stored. The audit writer (audit-writer.ts) uses it: one writer, so a race is lost only to an append that
   * bypassed it, and the whole batch is then built again on the new head.
   */
  async appendMany(inputs: readonly AuditInput[], now: number = Date.now()): Promise<AuditEntry[]> {
    const fields = inputs.map(canonicalInput);
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const head = await this.#db
        .prepare("SELECT seq, at, hash FROM audit_log ORDER BY seq DESC LIMIT 1")
        .first<{ seq: number; at: number; hash: string }>();
      const entries: AuditEntry[] = [];
      let prev = { seq: head?.seq ?? 0, at: head?.at ?? 0, hash: head?.hash ?? GENESIS_HASH };
      for (const input of fields) {
        const unsealed = { seq: prev.seq + 1, at: Math.max(now, prev.at), ...input };
        const entry: AuditEntry = {
          ...unsealed,
          prevHash: prev.hash,
          hash: await entryHash(prev.hash, unsealed),
        };
        entries.push(entry);
        prev = entry;
      }
      try {
        const insert = this.#db.prepare(
          `INSERT INTO audit_log (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        );
        await this.#db.batch(entries.map((entry) => insert.bind(...rowValues(entry))));
        return entries;
      } catch (error) {
        if (!lostRace(error)) throw error;
        await new Promise((resolve) => setTimeout(resolve, Math.random() * attempt * 2));
      }
    }
    throw new VerbatimError(
      "storage_unavailable",
      `audit log: ${MAX_ATTEMPTS} attempts to append ${inputs.length} entries each lost to another append`,
    );
  }

  async list(filter: AuditFilter = {}): Promise<AuditEntry[]> {
    const where: string[] = [];
    const values: (string | number)[] = [];
    for (const [field, clause] of Object.entries(FILTER_CLAUSES)) {
      const value = filter[field as keyof typeof FILTER_CLAUSES];
      if (value === undefined) continue;
      where.push(clause);
      values.push(value);
    }
    const asked =
      filter.limit !== undefined && Number.isFinite(filter.limit) ? filter.limit : LIST_LIMIT.default;
    const limit = Math.min(Math.max(1, Math.trunc(asked)), LIST_LIMIT.max);
    const order = filter.order === "desc" ? "DESC" : "ASC";
    const sql = `SELECT ${COLUMNS} FROM audit_log ${where.length > 0 ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY seq ${order} LIMIT ?`;
    const { results } = await this.#db
      .prepare(sql)
      .bind(...values, limit)
      .all<AuditRow>();
    return results.map((row) => {
      const parsed = entryOfRow(row);
      if (!parsed.ok)
        throw new VerbatimError("internal", `audit entry ${row.seq} is malformed: ${parsed.reason}`);
      return parsed.entry;
    });
  }

  async head(): Promise<ChainHead | null> {
    return this.#db.prepare("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1").first<ChainHead>();
  }

  /**
   * Re-hashes the whole chain from the first entry, a page at a time. An `anchor` (a head written down
   * elsewhere, such as the evidence log's tree heads) must be on the chain: that also catches entries
   * removed from the end, which the chain alone cannot show.
   */
  async verify(anchor?: ChainHead): Promise<ChainResult> {
    const verifier = new ChainVerifier(GENESIS_HEAD);
    for (;;) {
      const { results } = await this.#db
        .prepare(`SELECT ${COLUMNS} FROM audit_log WHERE seq > ? ORDER BY seq LIMIT ?`)
        .bind(verifier.head.seq, VERIFY_PAGE)
        .all<AuditRow>();
      for (const row of results) {
        const parsed = entryOfRow(row);
        const next = verifier.head.seq + 1;
        if (!parsed.ok) verifier.fail(next, `entry ${row.seq} is malformed: ${parsed.reason}`);
        else if ((await verifier.add(parsed.entry)) && anchor?.seq === row.seq && anchor.hash !== row.hash)
          verifier.fail(
            row.seq,
            `the chain up to entry ${row.seq} is not the one anchored: it was rewritten`,
          );
        if (!verifier.result().ok) return verifier.result();
      }
      if (results.length < VERIFY_PAGE) break;
    }
    if (anchor !== undefined && verifier.head.seq < anchor.seq)
      verifier.fail(verifier.head.seq + 1, `entries ${verifier.head.seq + 1} to ${anchor.seq} are missing`);
    return verifier.result();
  }
}

function rowValues(entry: AuditEntry): (string | number | null)[] {
  return [
    entry.seq,
    entry.at,
    entry.actor,
    entry.roles.join(","),
    entry.via,
    entry.action,
    entry.target,
    canonicalJson(entry.detail),
    entry.source,
    entry.prevHash,
    entry.hash,
  ];
}

function entryOfRow(row: AuditRow): ReturnType<typeof entryFrom> {
  let detail: unknown;
  try {
    detail = JSON.parse(row.detail);
  } catch {
    return { ok: false, reason: "detail is not JSON" };
  }
  const { prev_hash: prevHash, roles, ...rest } = row;
  return entryFrom({ ...rest, roles: roles === "" ? [] : roles.split(","), detail, prevHash });
}

/** The insert trigger's refusal (or, were the trigger gone, the primary key's): another append came first. */
function lostRace(error: unknown): boolean {
  const text = `${String(error)} ${error instanceof Error ? String(error.cause) : ""}`;
  return (
    text.includes("audit_log: not the next entry") || text.includes("UNIQUE constraint failed: audit_log.seq")
  );
}
