import type { Principal, Role } from "../access/roles.ts";
import { isRole } from "../access/roles.ts";
import { VerbatimError } from "../errors/verbatim-error.ts";
import { canonicalJson, sha256Hex } from "../snapshot/record-hash.ts";

/**
 * One audit entry and the chain that holds them. Each entry's hash covers its fields and the previous
 * entry's hash, so changing, removing or reordering an entry breaks the chain from that entry on. Pure: the
 * D1 edge is audit-log.ts, the compliance export audit-export.ts.
 */

/** What staff did that the audit log records, with what `target` names and what `detail` may carry. */
export const AUDIT_ACTIONS = {
  search: "searched sessions or customers; detail: the query",
  "session.view": "opened a session's timeline; target: session id",
  "customer.view": "opened a customer's sessions; target: customer key",
  "exchange.view": "opened one exchange's record; target: exchange id",
  "body.view": "read a stored body; target: body digest",
  "replay.open": "replayed a page; target: exchange id",
  export: "started an export (WACZ) or a session HAR; target: export or session id, detail: the scope",
  reveal: "revealed a sealed value; target: exchange id, detail: which field (never the value)",
  hold: "placed a legal hold; target: hold id, detail: kind, value (session id, customer token or day), reason",
  "hold.release": "lifted a legal hold (the hold stays listed); target: hold id, detail: reason",
  "hold.read": "listed the legal holds",
  "retention.read": "read the retention policy and the retention job's runs",
  "retention.run": "ran a batch of the retention job now",
  "retention.delete":
    "the retention job deleted expired records (actor system:retention); target: batch id, detail: sessions and counts",
  "token.create": "created an API token; target: token id, detail: name and roles (never the token)",
  "token.revoke": "revoked an API token; target: token id",
  prove: "asked for a proof of what was sent; target: exchange id",
  "audit.read": "read the audit log; detail: the filter",
  "audit.export": "exported the audit log; detail: the filter",
  "auth.failed":
    "a credential failed (detail: how, and whether the client reached AUTH_LIMIT); never the credential",
  "health.read": "read the recorder's health counters",
  "evidence.read": "read the evidence log: tree heads or proofs; target: exchange id, detail: what",
  "evidence.sign": "asked for a signed tree head now",
  "export.read": "looked at exports and their progress; target: export id",
  "export.download": "downloaded an export's archive; target: export id",
  "exchange.verify": "verified a stored exchange against the latest tree head; target: exchange id",
} as const;

export type AuditAction = keyof typeof AUDIT_ACTIONS;

export function isAuditAction(value: unknown): value is AuditAction {
  return typeof value === "string" && Object.hasOwn(AUDIT_ACTIONS, value);
}

/**
 * How the actor proved who it is: a principal's `via`, "none" for an attempt that proved nothing, or "system"
 * for the Worker's own jobs (the retention job, actor "system:retention"), which act for no principal.
 */
export type AuditVia = Principal["via"] | "none" | "system";
const VIAS: Readonly<Record<AuditVia, true>> = {
  access: true,
  token: true,
  demo: true,
  "break-glass": true,
  none: true,
  system: true,
};

/** JSON values only, so the stored text and the hashed text are the same canonical JSON. */
export type AuditValue = string | number | boolean | null | readonly AuditValue[] | AuditDetail;
export type AuditDetail = { readonly [key: string]: AuditValue };

export type AuditInput = {
  actor: string;
  roles: readonly Role[];
  via: AuditVia;
  action: AuditAction;
  target?: string | null;
  detail?: AuditDetail;
  /** The staff member's IP (CF-Connecting-IP). */
  source?: string | null;
};

export type AuditEntry = {
  seq: number;
  at: number;
  actor: string;
  roles: readonly Role[];
  via: AuditVia;
  action: AuditAction;
  target: string | null;
  detail: AuditDetail;
  source: string | null;
  prevHash: string;
  hash: string;
};

/** The fields an entry's hash covers besides the previous hash. */
export type UnsealedEntry = Omit<AuditEntry, "prevHash" | "hash">;

export type ChainHead = { seq: number; hash: string };
export const GENESIS_HASH = "0".repeat(64);
export const GENESIS_HEAD: ChainHead = { seq: 0, hash: GENESIS_HASH };

/** Who, as the audit log names them. */
export function actorOf(principal: Principal): Pick<AuditInput, "actor" | "roles" | "via"> {
  return { actor: principal.id, roles: principal.roles, via: principal.via };
}

/**
 * Keys a detail must never carry: the log is read by compliance and exported, so it holds no credential.
 * A caller passing one is a bug, caught here rather than written down for good.
 */
const SECRET_KEYS = new Set(["authorization", "bearer", "cookie", "password", "secret", "set-cookie"]);

function secretKeyIn(value: unknown): string | null {
  if (value === null || typeof value !== "object") return null;
  for (const [key, inner] of Object.entries(value)) {
    if (!Array.isArray(value) && SECRET_KEYS.has(key.toLowerCase())) return key;
    const found = secretKeyIn(inner);
    if (found !== null) return found;
  }
  return null;
}

/**
 * The input as it will be stored: detail through canonical JSON (so the entry `append` returns equals the
 * one read back), roles sorted once each, and text well-formed (a lone surrogate would come back from D1 as
 * U+FFFD and fail its own hash).
 */
export function canonicalInput(input: AuditInput): Omit<UnsealedEntry, "seq" | "at"> {
  const fail = (why: string) => new VerbatimError("internal", `audit entry for ${input.action}: ${why}`);
  if (!isAuditAction(input.action)) throw fail("unknown action");
  if (!Object.hasOwn(VIAS, input.via)) throw fail(`unknown via ${JSON.stringify(input.via)}`);
  if (input.actor === "") throw fail("no actor");
  if (!input.roles.every(isRole)) throw fail("unknown role");
  const secret = secretKeyIn(input.detail);
  if (secret !== null) throw fail(`detail carries a secret-like key ${JSON.stringify(secret)}`);
  const detail: unknown = JSON.parse(canonicalJson(input.detail ?? {}));
  if (!isDetail(detail)) throw fail("detail is not a JSON object");
  return {
    actor: input.actor.toWellFormed(),
    roles: [...new Set(input.roles)].sort(),
    via: input.via,
    action: input.action,
    target: input.target?.toWellFormed() ?? null,
    detail,
    source: input.source?.toWellFormed() ?? null,
  };
}

/**
 * Validators of a stored or exported entry, one per field; the key order is the order fields are hashed
 * and exported in.
 */
const FIELD_CHECKS: { readonly [K in keyof AuditEntry]: (value: unknown) => boolean } = {
  seq: (v) => Number.isSafeInteger(v) && (v as number) > 0,
  at: (v) => Number.isSafeInteger(v) && (v as number) >= 0,
  actor: (v) => typeof v === "string" && v !== "",
  roles: (v) => Array.isArray(v) && v.every((r) => typeof r === "string" && isRole(r)),
  via: (v) => typeof v === "string" && Object.hasOwn(VIAS, v),
  action: isAuditAction,
  target: (v) => v === null || typeof v === "string",
  detail: isDetail,
  source: (v) => v === null || typeof v === "string",
  prevHash: isHash,
  hash: isHash,
};

export const ENTRY_FIELDS = Object.keys(FIELD_CHECKS) as readonly (keyof AuditEntry)[];
const HASHED_FIELDS = ENTRY_FIELDS.filter((f) => f !== "prevHash" && f !== "hash");

function isDetail(value: unknown): value is AuditDetail {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isHash(value: unknown): boolean {
  return typeof value === "string" && /^[0-9a-f]{64}$/.test(value);
}

/** An entry read back from storage or an export file, checked field by field instead of trusted. */
export function entryFrom(
  raw: Readonly<Record<string, unknown>>,
): { ok: true; entry: AuditEntry } | { ok: false; reason: string } {
  for (const key of Object.keys(raw))
    if (!Object.hasOwn(FIELD_CHECKS, key)) return { ok: false, reason: `unexpected field ${key}` };
  for (const field of ENTRY_FIELDS)
    if (!FIELD_CHECKS[field](raw[field])) return { ok: false, reason: `bad ${field}` };
  return { ok: true, entry: raw as AuditEntry };
}

/**
 * SHA-256 (hex) over a JSON array: a version tag, the hashed fields in their fixed order, then the previous
 * hash. JSON quoting keeps field boundaries unambiguous, `null` differs from "", and canonicalJson sorts the
 * detail's keys at every depth, so equal entries hash equally whatever order their details were built in.
 */
export function entryHash(prevHash: string, entry: UnsealedEntry): Promise<string> {
  return sha256Hex(canonicalJson(["verbatim-audit/1", ...HASHED_FIELDS.map((f) => entry[f]), prevHash]));
}

export type ChainResult = { ok: true; head: ChainHead } | { ok: false; seq: number; reason: string };

/**
 * Checks entries in order as they come (a page at a time from D1, a line at a time from a file), holding
 * only the head. A failure names the first seq the chain can no longer vouch for.
 */
export class ChainVerifier {
  #head: ChainHead;
  #failure: { seq: number; reason: string } | null = null;

  constructor(from: ChainHead = GENESIS_HEAD) {
    this.#head = from;
  }

  /** False once the chain is broken; later entries are not looked at. */
  async add(entry: AuditEntry): Promise<boolean> {
    if (this.#failure !== null) return false;
    const expected = this.#head.seq + 1;
    if (entry.seq !== expected)
      return this.fail(
        expected,
        `expected entry ${expected}, found entry ${entry.seq} (missing or out of order)`,
      );
    if (entry.prevHash !== this.#head.hash)
      return this.fail(expected, `entry ${expected} does not link to entry ${this.#head.seq}`);
    if ((await entryHash(entry.prevHash, entry)) !== entry.hash)
      return this.fail(expected, `entry ${expected} does not match its hash`);
    this.#head = { seq: entry.seq, hash: entry.hash };
    return true;
  }

  /** Marks the chain broken for a reason the entries alone do not show (a malformed row, an anchor). */
  fail(seq: number, reason: string): false {
    this.#failure ??= { seq, reason };
    return false;
  }

  get head(): ChainHead {
    return this.#head;
  }

  result(): ChainResult {
    return this.#failure === null ? { ok: true, head: this.#head } : { ok: false, ...this.#failure };
  }
}

/** Whether `entries` continue the chain from `from` (the start of the log unless given). */
export async function verifyChain(
  entries: Iterable<AuditEntry>,
  from: ChainHead = GENESIS_HEAD,
): Promise<ChainResult> {
  const verifier = new ChainVerifier(from);
  for (const entry of entries) if (!(await verifier.add(entry))) break;
  return verifier.result();
}
