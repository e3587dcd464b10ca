import type { ChunkMessage } from "../record/record-message.ts";
import { ANY_HOST, SHORT_SESSION_MS } from "./plan.ts";
import { recordDigests } from "./segment-members.ts";

/**
 * Which body references become body_refs rows, decided from segments as they are read (pure; the I/O is
 * mark.ts). A body referenced by one session only needs no row: retention meets it when it deletes that
 * session. A row is written when a body turns out shared:
 * - a record references it after it was stored (`started_at` later than the object's upload, past SKEW_MS):
 *   the session reused a stored body, and the sessions that stored it are elsewhere (an ANY_HOST row at the
 *   upload time stands for them);
 * - two sessions stored it at once (each started before the upload): seen within one read, or through
 *   `carry`, the bodies stored in the last CARRY_MS read so far and the one session that referenced each.
 * Bodies with rows get their rows moved forward by every later reference.
 */
export const SKEW_MS = 5_000;
/** Sessions storing the same body at once land in segments written minutes apart at most. */
export const CARRY_MS = 15 * 60_000;

export type Reference = { session: string; host: string; at: number };
/** Per digest, the latest reference by each session, from the segments read in one step. */
export type StepReferences = Map<string, Map<string, Reference>>;
export type CarryEntry = Reference & { uploaded: number };
export type Carry = Map<string, CarryEntry>;
export type RefWrite = { digest: string; host: string; last_ref: number };
export type SessionSeen = { host: string; first: number; last: number };

export function addChunk(
  chunk: ChunkMessage,
  refs: StepReferences,
  sessions: Map<string, SessionSeen>,
): void {
  for (const record of chunk.records) {
    const at = record.exchange.started_at;
    const host = hostOf(record.exchange.url);
    const seen = sessions.get(chunk.session_id);
    sessions.set(chunk.session_id, {
      host: seen?.host || host,
      first: Math.min(seen?.first ?? at, at),
      last: Math.max(seen?.last ?? at, at),
    });
    for (const digest of recordDigests(record)) {
      const bySession = refs.get(digest) ?? new Map<string, Reference>();
      refs.set(digest, bySession);
      const previous = bySession.get(chunk.session_id);
      if (!previous || previous.at < at)
        bySession.set(chunk.session_id, { session: chunk.session_id, host, at });
    }
  }
}

/**
 * Rows for one step. `known`: digests that have rows already; `uploaded`: when each other digest's object was
 * stored (null: the object is gone, nothing to keep). Returns the rows and the new carry.
 */
export function markRows(
  refs: StepReferences,
  known: ReadonlySet<string>,
  uploaded: ReadonlyMap<string, number | null>,
  carry: Carry,
  position: number,
): { rows: RefWrite[]; carry: Carry } {
  const rows: RefWrite[] = [];
  const next: Carry = new Map([...carry].filter(([, e]) => e.uploaded >= position - CARRY_MS));
  for (const [digest, bySession] of refs) {
    const references = [...bySession.values()];
    if (known.has(digest)) {
      rows.push(...latestByHost(digest, references));
      continue;
    }
    const stored = uploaded.get(digest);
    if (stored === null || stored === undefined) continue;
    const earlier = next.get(digest);
    const all = earlier && !bySession.has(earlier.session) ? [...references, earlier] : references;
    const reused = all.some((r) => r.at > stored + SKEW_MS);
    if (reused || all.length > 1) {
      rows.push(...latestByHost(digest, all), { digest, host: ANY_HOST, last_ref: stored });
      next.delete(digest);
    } else if (references[0]) next.set(digest, { ...references[0], uploaded: stored });
  }
  return { rows, carry: next };
}

function latestByHost(digest: string, references: readonly Reference[]): RefWrite[] {
  const byHost = new Map<string, number>();
  for (const r of references) byHost.set(r.host, Math.max(byHost.get(r.host) ?? 0, r.at));
  return [...byHost].map(([host, last_ref]) => ({ digest, host, last_ref }));
}

/** Sessions of this step that have lasted longer than a short session (first seen from session_log). */
export function longSessions(
  seen: ReadonlyMap<string, SessionSeen>,
  firstSeen: ReadonlyMap<string, number>,
): { session_id: string; host: string; first_seen: number }[] {
  const out: { session_id: string; host: string; first_seen: number }[] = [];
  for (const [id, s] of seen) {
    const first = Math.min(firstSeen.get(id) ?? s.first, s.first);
    if (s.last - first > SHORT_SESSION_MS) out.push({ session_id: id, host: s.host, first_seen: first });
  }
  return out;
}

/** The host a session's record was made on, as session_log keeps it (with any port). */
export function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return "";
  }
}
