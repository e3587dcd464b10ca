import { blobKey } from "../store/blob-store.ts";
import {
  addChunk,
  longSessions,
  markRows,
  type Carry,
  type CarryEntry,
  type SessionSeen,
  type StepReferences,
} from "./mark-plan.ts";
import type { RetentionStore } from "./retention-store.ts";
import type { ListedSegment, SegmentCursor, SegmentStore } from "./segment-store.ts";

/** Segments are read once they are this old: one written later cannot slip in before the cursor. */
export const SETTLE_MS = 5 * 60_000;
const CARRY_KEY = "retention/mark-carry.json";
const HEAD_CONCURRENCY = 16;

export type MarkStep = {
  segments: number;
  rowsWritten: number;
  cursor: SegmentCursor;
  /** What is left of `listed`. */
  rest: ListedSegment[];
};

/** What a mark step reads: segments written after the cursor, settled (SETTLE_MS), oldest first. */
export function segmentsToRead(
  segments: SegmentStore,
  cursor: SegmentCursor,
  now: number,
): Promise<ListedSegment[]> {
  return segments.listAfter(cursor, now - SETTLE_MS);
}

/**
 * One step of reading segments into body_refs (the rules are mark-plan.ts): the first `limit` of `listed`.
 * Costs nothing on the recording path; here, a GET per segment, a HEAD per body not yet in body_refs, and D1
 * rows only for shared bodies and long sessions.
 */
export async function markStep(options: {
  store: RetentionStore;
  segments: SegmentStore;
  bucket: R2Bucket;
  cursor: SegmentCursor;
  listed: readonly ListedSegment[];
  limit: number;
}): Promise<MarkStep> {
  const { store, segments, bucket } = options;
  const step = options.listed.slice(0, options.limit);
  const rest = options.listed.slice(step.length);
  const last = step.at(-1);
  if (!last) return { segments: 0, rowsWritten: 0, cursor: options.cursor, rest };
  const refs: StepReferences = new Map();
  const seen = new Map<string, SessionSeen>();
  for (const segment of step)
    for (const member of (await segments.members(segment.key)) ?? [])
      if (member.chunk) addChunk(member.chunk, refs, seen);
  const digests = [...refs.keys()];
  const known = await store.knownDigests(digests);
  const uploaded = await uploadTimes(
    bucket,
    digests.filter((d) => !known.has(d)),
  );
  const { rows, carry } = markRows(refs, known, uploaded, await readCarry(bucket), last.uploaded);
  const rowsWritten = await store.writeRefs(rows);
  const facts = await store.sessionFacts([...seen.keys()]);
  await store.addLongSessions(longSessions(seen, new Map([...facts].map(([id, f]) => [id, f.first_seen]))));
  await bucket.put(CARRY_KEY, JSON.stringify([...carry]));
  return { segments: step.length, rowsWritten, cursor: { at: last.uploaded, key: last.key }, rest };
}

/** When each body's object was stored; null when there is none (nothing to keep). */
async function uploadTimes(
  bucket: R2Bucket,
  digests: readonly string[],
): Promise<Map<string, number | null>> {
  const out = new Map<string, number | null>();
  for (let i = 0; i < digests.length; i += HEAD_CONCURRENCY) {
    const part = digests.slice(i, i + HEAD_CONCURRENCY);
    const heads = await Promise.all(part.map((d) => bucket.head(blobKey(d))));
    part.forEach((d, j) => out.set(d, heads[j]?.uploaded.getTime() ?? null));
  }
  return out;
}

async function readCarry(bucket: R2Bucket): Promise<Carry> {
  const object = await bucket.get(CARRY_KEY);
  if (!object) return new Map();
  try {
    const parsed: unknown = JSON.parse(await object.text());
    if (!Array.isArray(parsed)) return new Map();
    return new Map(parsed.filter(isCarryPair));
  } catch {
    return new Map();
  }
}

function isCarryPair(value: unknown): value is [string, CarryEntry] {
  if (!Array.isArray(value) || value.length !== 2 || typeof value[0] !== "string") return false;
  const e = value[1] as Partial<CarryEntry> | null;
  return (
    typeof e === "object" &&
    e !== null &&
    typeof e.session === "string" &&
    typeof e.host === "string" &&
    typeof e.at === "number" &&
    typeof e.uploaded === "number"
  );
}
