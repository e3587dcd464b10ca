import { cutoffFor, earliestCutoff, type RetentionPolicy } from "../config/retention-spec.ts";
import type { ActiveHolds } from "./hold.ts";

/**
 * The retention planner: pure decisions from rows, holds, the policy and the time. What may be deleted is
 * decided here and only here; retention/run-retention.ts reads the rows and carries the decisions out.
 */

const DAY_MS = 86_400_000;
/** session_log.last_seen is refreshed at most once a minute (recorder/record-exchange.ts). */
const LAST_SEEN_LAG_MS = 60_000;
/**
 * How long a session may last and still count as short. A reference in a short kept session is no older than
 * the session's cutoff minus this; longer sessions are listed (retention_long_sessions) and read instead.
 */
export const SHORT_SESSION_MS = DAY_MS;
/** body_refs host of the references of the day a body was first stored (which sessions is not known). */
export const ANY_HOST = "*";
/**
 * A body_refs row moves forward only when a reference is this much later than it (one write per shared body
 * per day, not one per read step): a row may lag its last reference by this much, so it is weighed with it.
 */
export const REF_GRANULE_MS = DAY_MS;

export type SessionFacts = { id: string; host: string; first_seen: number; last_seen: number };

export type SessionFate =
  { fate: "expire" } | { fate: "keep"; why: "retention" } | { fate: "keep"; why: "hold"; hold: string };

/**
 * A session expires when its last activity is older than its site's period, and no hold names it, one of
 * its customers, or a day it was active on. Whole sessions go, so a record outlives its period, never the
 * reverse.
 */
export function sessionFate(
  session: SessionFacts,
  policy: RetentionPolicy,
  holds: ActiveHolds,
  now: number,
): SessionFate {
  const cutoff = cutoffFor(policy, session.host, now);
  if (cutoff === null || session.last_seen >= cutoff) return { fate: "keep", why: "retention" };
  const hold = holdOn(session, holds);
  return hold === null ? { fate: "expire" } : { fate: "keep", why: "hold", hold };
}

/** The id of a hold covering the session, or null. */
export function holdOn(session: SessionFacts, holds: ActiveHolds): string | null {
  const direct = holds.sessions.get(session.id) ?? holds.customerSessions.get(session.id);
  if (direct !== undefined) return direct;
  const last = session.last_seen + LAST_SEEN_LAG_MS;
  for (const [day, id] of holds.days) {
    const start = Date.parse(`${day}T00:00:00Z`);
    if (session.first_seen < start + DAY_MS && last >= start) return id;
  }
  return null;
}

export type RefRow = { host: string; last_ref: number };

/**
 * Whether a body_refs row still stands for a kept reference: one by a session of `host` at `last_ref`, kept
 * while last_ref is within the host's period plus SHORT_SESSION_MS (a short session's early records) plus
 * REF_GRANULE_MS (how far a row may lag). Rows of ANY_HOST are weighed against the longest period in force.
 */
export function refLive(row: RefRow, policy: RetentionPolicy, now: number): boolean {
  const cutoff = row.host === ANY_HOST ? earliestCutoff(policy, now) : cutoffFor(policy, row.host, now);
  return cutoff === null || row.last_ref >= cutoff - SHORT_SESSION_MS - REF_GRANULE_MS;
}

/**
 * What is known about one body that a deleted session referenced:
 * - `refs`: its body_refs rows (references on days already read),
 * - `keptBy`: a kept record read directly that references it (records not yet read into body_refs, records of
 *   held or long sessions past their period, records from before the compact index), or null.
 */
export type BodyEvidence = { refs: readonly RefRow[]; keptBy: KeptBy | null };
export type KeptBy = "unread-day" | "held-session" | "long-session" | "legacy-row";

export type BodyFate = { fate: "delete" } | { fate: "keep"; why: KeptBy | "recent-reference" };

export function bodyFate(evidence: BodyEvidence, policy: RetentionPolicy, now: number): BodyFate {
  if (evidence.keptBy !== null) return { fate: "keep", why: evidence.keptBy };
  if (evidence.refs.some((row) => refLive(row, policy, now)))
    return { fate: "keep", why: "recent-reference" };
  return { fate: "delete" };
}

/** A segment goes when none of its chunks is still indexed there (a chunk delivered twice left a copy). */
export function segmentFate(members: readonly boolean[]): "delete" | "keep" {
  return members.some((live) => live) ? "keep" : "delete";
}

/**
 * A long session whose early records may hold kept references that body_refs no longer vouches for: kept
 * (active since the cutoff) but begun before the cutoff less SHORT_SESSION_MS.
 */
export function straddles(session: SessionFacts, policy: RetentionPolicy, now: number): boolean {
  const cutoff = cutoffFor(policy, session.host, now);
  return cutoff !== null && session.first_seen < cutoff - SHORT_SESSION_MS && session.last_seen >= cutoff;
}
