import { VerbatimError } from "../errors/verbatim-error.ts";
import { customerToken } from "../mask/keyed-hash.ts";

/**
 * Legal holds (migrations/0011): what they name and how requests to place or lift one are read. Pure; the
 * D1 edge is hold-store.ts, the API api/retention-routes.ts, the console console/routes/holds.ts.
 */
export const HOLD_KINDS = ["session", "customer", "day"] as const;
export type HoldKind = (typeof HOLD_KINDS)[number];

export type Hold = {
  id: string;
  kind: HoldKind;
  value: string;
  reason: string;
  placed_by: string;
  placed_at: number;
  lifted_by: string | null;
  lifted_at: number | null;
  lift_reason: string | null;
};

export type HoldRequest = { kind: HoldKind; value: string; reason: string };

const SESSION_ID = /^[0-9a-f]{32}$/;
const CUSTOMER_TOKEN = /^\[hash:[0-9a-f]{32}\]$/;
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const MAX_REASON = 500;

export function isHoldKind(value: unknown): value is HoldKind {
  return typeof value === "string" && (HOLD_KINDS as readonly string[]).includes(value);
}

/** A reason is what a court or counsel will read later: required, one paragraph at most. */
export function parseReason(raw: unknown, what: string): string {
  if (typeof raw !== "string" || raw.trim() === "")
    throw new VerbatimError("bad_query", `${what} needs a reason (the matter or request it is for)`);
  const reason = raw.trim();
  if (reason.length > MAX_REASON)
    throw new VerbatimError("bad_query", `the reason is at most ${MAX_REASON} characters`);
  return reason;
}

/**
 * `{kind, value, reason}` as given. A customer is named by the keyed token session_customers holds
 * (`[hash:…]`) or by the identifier the customer gave (username, email), hashed here with the recorder's key
 * like a search does, so the identifier itself is never stored.
 */
export function parseHoldRequest(body: unknown, secret: string): HoldRequest {
  const input = typeof body === "object" && body !== null ? (body as Record<string, unknown>) : {};
  const kind = input["kind"];
  if (!isHoldKind(kind)) throw new VerbatimError("bad_query", `kind must be one of ${HOLD_KINDS.join(", ")}`);
  const raw = typeof input["value"] === "string" ? input["value"].trim() : "";
  if (raw === "") throw new VerbatimError("bad_query", `value must name the ${kind} to hold`);
  const reason = parseReason(input["reason"], "a hold");
  return { kind, value: holdValue(kind, raw, secret), reason };
}

function holdValue(kind: HoldKind, raw: string, secret: string): string {
  if (kind === "session") {
    const id = raw.toLowerCase();
    if (!SESSION_ID.test(id))
      throw new VerbatimError("bad_query", "a session is named by its id: 32 hex characters");
    return id;
  }
  if (kind === "customer") return CUSTOMER_TOKEN.test(raw) ? raw : customerToken(secret, raw);
  const at = Date.parse(`${raw}T00:00:00Z`);
  if (!DAY.test(raw) || !Number.isFinite(at) || new Date(at).toISOString().slice(0, 10) !== raw)
    throw new VerbatimError("bad_query", `a day is a UTC date, YYYY-MM-DD; got "${raw.slice(0, 40)}"`);
  return raw;
}

/** Hold ids are 16 hex characters (64 random bits). */
export function parseHoldId(raw: string): string {
  if (!/^[0-9a-f]{16}$/.test(raw)) throw new VerbatimError("bad_query", "a hold id is 16 hex characters");
  return raw;
}

function newHoldId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(8));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** A new active hold (its id minted here, so the audit entry can name it before it is stored). */
export function newHold(request: HoldRequest, by: string, at: number): Hold {
  return {
    id: newHoldId(),
    ...request,
    placed_by: by,
    placed_at: at,
    lifted_by: null,
    lifted_at: null,
    lift_reason: null,
  };
}

/** The holds in force, sorted by what they name: what the retention planner reads. */
export type ActiveHolds = {
  sessions: ReadonlyMap<string, string>;
  /** Session id → the hold id of a customer hold covering it (resolved through session_customers). */
  customerSessions: ReadonlyMap<string, string>;
  /** UTC day (YYYY-MM-DD) → hold id. */
  days: ReadonlyMap<string, string>;
  /** Customer token → hold id (what is resolved into customerSessions). */
  customers: ReadonlyMap<string, string>;
};

export function activeHolds(
  holds: readonly Hold[],
  customerSessions: ReadonlyMap<string, string>,
): ActiveHolds {
  const byKind = (kind: HoldKind) =>
    new Map(holds.filter((h) => h.kind === kind && h.lifted_at === null).map((h) => [h.value, h.id]));
  return {
    sessions: byKind("session"),
    customers: byKind("customer"),
    days: byKind("day"),
    customerSessions,
  };
}
