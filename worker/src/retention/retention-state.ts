import type { SegmentCursor } from "./segment-store.ts";
import type { Frontiers, RefCursor } from "./sweep.ts";

/**
 * The job's progress as stored in retention_state (one JSON value per name), each read back through a
 * check: a value that does not match starts that part over, which is always safe (a scan repeated deletes
 * nothing twice; segments read twice only move body_refs rows to where they already are).
 */
export type Phase = "mark" | "sessions" | "refs" | "done";
export type Cycle = {
  /** The UTC day this cycle belongs to: the job completes one cycle a day. */
  day: string;
  phase: Phase;
  /** Hash of the policy the frontiers were made under: a new policy starts the scan over. */
  policy: string;
  frontiers: Frontiers;
  refs: RefCursor;
};

export type Counts = {
  sessions: number;
  chunks: number;
  exchanges: number;
  bodies: number;
  segments: number;
  bodiesKept: number;
  segmentsRead: number;
  refRowsWritten: number;
};

export type LastRun = {
  at: number;
  finishedAt: number;
  trigger: "cron" | "manual";
  requestedBy: string | null;
  phase: Phase;
  done: boolean;
  counts: Counts;
  heldSessions: number;
  error: string | null;
};

export const ZERO: Counts = {
  sessions: 0,
  chunks: 0,
  exchanges: 0,
  bodies: 0,
  segments: 0,
  bodiesKept: 0,
  segmentsRead: 0,
  refRowsWritten: 0,
};

export function addCounts(a: Counts, b: Partial<Counts>): Counts {
  const out = { ...a };
  for (const key of Object.keys(out) as (keyof Counts)[]) out[key] += b[key] ?? 0;
  return out;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null;
const PHASES: readonly Phase[] = ["mark", "sessions", "refs", "done"];

export function parseCursor(value: unknown): SegmentCursor {
  return isObject(value) && typeof value["at"] === "number" && typeof value["key"] === "string"
    ? { at: value["at"], key: value["key"] }
    : { at: 0, key: "" };
}

export function parseCycle(value: unknown): Cycle | null {
  if (!isObject(value)) return null;
  const { day, phase, policy, frontiers, refs } = value;
  if (typeof day !== "string" || typeof policy !== "string" || !PHASES.includes(phase as Phase)) return null;
  if (!isObject(frontiers)) return null;
  const okFrontiers = Object.values(frontiers).every(
    (f) => Array.isArray(f) && f.length === 2 && typeof f[0] === "number" && typeof f[1] === "string",
  );
  const okRefs =
    refs === null ||
    (Array.isArray(refs) && refs.length === 2 && typeof refs[0] === "string" && typeof refs[1] === "string");
  if (!okFrontiers || !okRefs) return null;
  return value as Cycle;
}

export function parseCounts(value: unknown): Counts {
  if (!isObject(value)) return { ...ZERO };
  const out = { ...ZERO };
  for (const key of Object.keys(ZERO) as (keyof Counts)[]) {
    const n = value[key];
    if (typeof n === "number" && Number.isFinite(n)) out[key] = n;
  }
  return out;
}

export function parseLastRun(value: unknown): LastRun | null {
  if (!isObject(value) || typeof value["at"] !== "number" || typeof value["finishedAt"] !== "number")
    return null;
  return {
    at: value["at"],
    finishedAt: value["finishedAt"],
    trigger: value["trigger"] === "manual" ? "manual" : "cron",
    requestedBy: typeof value["requestedBy"] === "string" ? value["requestedBy"] : null,
    phase: PHASES.includes(value["phase"] as Phase) ? (value["phase"] as Phase) : "mark",
    done: value["done"] === true,
    counts: parseCounts(value["counts"]),
    heldSessions: typeof value["heldSessions"] === "number" ? value["heldSessions"] : 0,
    error: typeof value["error"] === "string" ? value["error"] : null,
  };
}
