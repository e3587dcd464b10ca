import { allRules, cutoffOf, ruleFor, type RetentionPolicy } from "../config/retention-spec.ts";
import type { ChunkMessage } from "../record/record-message.ts";
import { overflowKey } from "../record/record-message.ts";
import { deleteSessionRows } from "./delete-sessions.ts";
import type { ActiveHolds } from "./hold.ts";
import { pendingKey, type PendingDeletion, type PendingSegment } from "./pending.ts";
import { refLive, sessionFate, type SessionFacts } from "./plan.ts";
import type { RetentionStore } from "./retention-store.ts";
import { chunkKey, recordDigests } from "./segment-members.ts";
import type { SegmentStore } from "./segment-store.ts";

export type SweepContext = {
  bucket: R2Bucket;
  store: RetentionStore;
  segments: SegmentStore;
  policy: RetentionPolicy;
  /** The holds in force, read again before each batch. */
  holds: ActiveHolds;
  now: number;
  trigger: "cron" | "manual";
  requestedBy: string | null;
};

/** Per partition and rule: the (last_seen, id) the scan for expired sessions has passed in this cycle. */
export type Frontiers = Record<string, [number, string]>;
export type RefCursor = [string, string] | null;

/** Pages of session_log one batch reads at most while looking for expired sessions of its rule. */
const MAX_PAGES = 8;

/**
 * One batch of expired sessions: found in session_log by last_seen (its index), per rule, each checked
 * across partitions and against the holds. Their records are read (for the bodies, keys and customer links
 * they name), a pending deletion is stored, then their index rows are deleted. Null when none is left.
 */
export async function sessionsBatch(
  ctx: SweepContext,
  frontiers: Frontiers,
  size: number,
): Promise<{ pending: PendingDeletion | null; held: number; done: boolean }> {
  const candidates = new Map<string, SessionFacts>();
  let exhausted = true;
  for (const p of ctx.store.partitions.all)
    for (const rule of allRules(ctx.policy)) {
      const cutoff = cutoffOf(rule.period, ctx.now);
      if (cutoff === null) continue;
      const key = `${p.binding}|${rule.host}`;
      for (let page = 0; page < MAX_PAGES && candidates.size < size; page++) {
        const rows = await ctx.store.sessionsBefore(p.db, cutoff, frontiers[key] ?? [-1, ""], size);
        for (const row of rows) {
          frontiers[key] = [row.last_seen, row.id];
          if (ruleFor(ctx.policy, row.host) === rule) candidates.set(row.id, row);
        }
        if (rows.length < size) break;
        if (page === MAX_PAGES - 1 || candidates.size >= size) exhausted = false;
      }
      if (candidates.size >= size) exhausted = false;
    }
  // A session crossing into a newer partition is judged by all its rows.
  const facts = await ctx.store.sessionFacts([...candidates.keys()]);
  const expire: string[] = [];
  let held = 0;
  for (const session of facts.values()) {
    const fate = sessionFate(session, ctx.policy, ctx.holds, ctx.now);
    if (fate.fate === "expire") expire.push(session.id);
    else if (fate.why === "hold") held++;
  }
  if (expire.length === 0) return { pending: null, held, done: exhausted };
  return { pending: await deleteSessions(ctx, expire), held, done: false };
}

async function deleteSessions(ctx: SweepContext, ids: string[]): Promise<PendingDeletion> {
  const rows = await ctx.store.chunksOf(ids);
  const legacy = await ctx.store.legacy.digestsOf(ids);
  const chunks: ChunkMessage[] = [];
  const unreadable = new Set<string>();
  for (const row of rows) {
    const chunk = await ctx.segments.chunkOf(row);
    if (chunk) chunks.push(chunk);
    else unreadable.add(row.session_id);
  }
  const segments: PendingSegment[] = [];
  for (const key of new Set(rows.map((r) => r.segment))) {
    let members: [string, string][] | null = null;
    try {
      const found = await ctx.segments.members(key);
      members = (found ?? []).flatMap((m) => {
        if (!m.chunk) return [];
        const k = chunkKey(m.chunk);
        return [[k.session_id, k.first_id] as [string, string]];
      });
    } catch {
      // Bytes that do not split: the segment stays (resolve.ts keeps a segment whose members are unknown).
    }
    segments.push({ key, members });
  }
  const digests = new Set<string>();
  for (const chunk of chunks)
    for (const record of chunk.records) for (const d of recordDigests(record)) digests.add(d);
  for (const list of legacy.values()) for (const d of list) digests.add(d);
  const pending: PendingDeletion = {
    id: `${ctx.now.toString(36)}-${crypto.randomUUID().slice(0, 8)}`,
    at: ctx.now,
    kind: "sessions",
    trigger: ctx.trigger,
    requestedBy: ctx.requestedBy,
    sessions: ids,
    chunks: rows.length,
    exchanges:
      rows.reduce((sum, r) => sum + r.exchange_count, 0) +
      [...legacy.values()].reduce((s, l) => s + l.length, 0),
    rowsDeleted: 0,
    digests: [...digests],
    segments,
    objects: chunks.map((c) => overflowKey(c.records[0]?.exchange.id ?? "empty")),
  };
  await ctx.bucket.put(pendingKey(pending.id), JSON.stringify(pending));
  pending.rowsDeleted = await deleteSessionRows(ctx.store.partitions, {
    ids,
    chunks,
    // Keys and customer links of records that cannot be read are found by a scan, like legacy sessions'.
    legacy: [...new Set([...legacy.keys(), ...unreadable])],
  });
  await ctx.bucket.put(pendingKey(pending.id), JSON.stringify(pending));
  return pending;
}

/**
 * One batch of body_refs rows whose time ran out (the reference they stand for is in a deleted or expired
 * session): the rows go, and their bodies are weighed like those of deleted sessions. This catches bodies
 * kept earlier only for a row that has since expired.
 */
export async function refsBatch(
  ctx: SweepContext,
  cursor: RefCursor,
  size: number,
): Promise<{ pending: PendingDeletion | null; cursor: RefCursor; done: boolean }> {
  const rows = await ctx.store.refsAfter(cursor, size);
  const last = rows.at(-1);
  const next: RefCursor = last ? [last.digest, last.host] : cursor;
  const dead = rows.filter((row) => !refLive(row, ctx.policy, ctx.now));
  if (dead.length === 0) return { pending: null, cursor: next, done: rows.length < size };
  const pending: PendingDeletion = {
    id: `${ctx.now.toString(36)}-${crypto.randomUUID().slice(0, 8)}`,
    at: ctx.now,
    kind: "refs",
    trigger: ctx.trigger,
    requestedBy: ctx.requestedBy,
    sessions: [],
    chunks: 0,
    exchanges: 0,
    rowsDeleted: dead.length,
    digests: [...new Set(dead.map((r) => r.digest))],
    segments: [],
    objects: [],
  };
  await ctx.bucket.put(pendingKey(pending.id), JSON.stringify(pending));
  await ctx.store.deleteRefRows(dead);
  return { pending, cursor: next, done: false };
}
