/**
 * A deletion in progress, kept in R2 from before the first row is deleted until its audit entry is written:
 * if a run stops half way, the next run finishes it (every step is safe to repeat) and then writes the entry,
 * so no deletion goes unrecorded and no body is left behind because the rows that named it are gone.
 */
export type PendingSegment = {
  key: string;
  /** Its chunks' (session_id, first_id); null when the bytes did not split (then the segment is kept). */
  members: [string, string][] | null;
};

export type PendingDeletion = {
  id: string;
  at: number;
  /** What removed the references: expired sessions, or body_refs rows whose time ran out. */
  kind: "sessions" | "refs";
  trigger: "cron" | "manual";
  /** The principal who asked for a manual run. */
  requestedBy: string | null;
  sessions: string[];
  chunks: number;
  exchanges: number;
  rowsDeleted: number;
  /** Bodies the deleted records (or rows) referenced: deleted unless something kept references them. */
  digests: string[];
  segments: PendingSegment[];
  /** R2 objects that go with the records (chunks too large for a queue message). */
  objects: string[];
};

export const PENDING_PREFIX = "retention/pending/";

export function pendingKey(id: string): string {
  return `${PENDING_PREFIX}${id}.json`;
}

const strings = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === "string");

/** A stored pending deletion, checked field by field (it was written by this code, but R2 is not trusted). */
export function parsePending(value: unknown): PendingDeletion | null {
  if (typeof value !== "object" || value === null) return null;
  const p = value as Record<string, unknown>;
  const segments = p["segments"];
  const okSegments =
    Array.isArray(segments) &&
    segments.every(
      (s: unknown) =>
        typeof s === "object" &&
        s !== null &&
        typeof (s as PendingSegment).key === "string" &&
        ((s as PendingSegment).members === null ||
          (Array.isArray((s as PendingSegment).members) &&
            ((s as PendingSegment).members ?? []).every(
              (m: unknown) => Array.isArray(m) && m.length === 2 && strings(m),
            ))),
    );
  if (
    typeof p["id"] !== "string" ||
    typeof p["at"] !== "number" ||
    (p["kind"] !== "sessions" && p["kind"] !== "refs") ||
    (p["trigger"] !== "cron" && p["trigger"] !== "manual") ||
    (p["requestedBy"] !== null && typeof p["requestedBy"] !== "string") ||
    !strings(p["sessions"]) ||
    typeof p["chunks"] !== "number" ||
    typeof p["exchanges"] !== "number" ||
    typeof p["rowsDeleted"] !== "number" ||
    !strings(p["digests"]) ||
    !okSegments ||
    !strings(p["objects"])
  )
    return null;
  return value as PendingDeletion;
}
