import { allRules, cutoffFor, cutoffOf, type RetentionPolicy } from "../config/retention-spec.ts";
import type { ChunkRow } from "../record/chunk-summary.ts";
import type { ActiveHolds } from "./hold.ts";
import { holdOn, SHORT_SESSION_MS, straddles, type KeptBy, type SessionFacts } from "./plan.ts";
import type { RetentionStore } from "./retention-store.ts";
import { chunkKey, recordDigests } from "./segment-members.ts";
import type { SegmentCursor, SegmentStore } from "./segment-store.ts";

const DAY_MS = 86_400_000;

/**
 * Bodies that kept records reference but body_refs cannot vouch for, read from the records themselves:
 * - `unread-day`: records in segments not yet read into body_refs (the last minutes),
 * - `held-session`: sessions past their period that a hold keeps,
 * - `long-session`: kept sessions begun long before their cutoff (their early records),
 * - `legacy-row`: rows from before the compact index (asked of D1 per body).
 * Each set is built once per run, and only when a body with no live row needs it.
 */
export class KeptReferences {
  readonly #store: RetentionStore;
  readonly #segments: SegmentStore;
  readonly #policy: RetentionPolicy;
  readonly #holds: ActiveHolds;
  readonly #now: number;
  readonly #cursor: SegmentCursor;
  #unread: Promise<Set<string>> | null = null;
  #held: Promise<Set<string>> | null = null;
  #long: Promise<Set<string>> | null = null;
  /** Long sessions met among unread records, to read like the listed ones. */
  readonly #extraLong = new Set<string>();

  constructor(options: {
    store: RetentionStore;
    segments: SegmentStore;
    policy: RetentionPolicy;
    holds: ActiveHolds;
    now: number;
    cursor: SegmentCursor;
  }) {
    this.#store = options.store;
    this.#segments = options.segments;
    this.#policy = options.policy;
    this.#holds = options.holds;
    this.#now = options.now;
    this.#cursor = options.cursor;
  }

  /** Which kept records reference each digest, for the digests some kept record does. */
  async keptBy(digests: readonly string[]): Promise<Map<string, KeptBy>> {
    const out = new Map<string, KeptBy>();
    const pending = () => digests.filter((d) => !out.has(d));
    const sets: [KeptBy, () => Promise<Set<string>>][] = [
      ["unread-day", () => (this.#unread ??= this.#readUnread())],
      ["held-session", () => (this.#held ??= this.#readHeld())],
      ["long-session", () => (this.#long ??= this.#readLong())],
    ];
    for (const [why, load] of sets) {
      if (pending().length === 0) return out;
      const set = await load();
      for (const d of pending()) if (set.has(d)) out.set(d, why);
    }
    if (pending().length > 0)
      for (const d of await this.#store.legacy.referenced(pending())) out.set(d, "legacy-row");
    return out;
  }

  /** Records in segments written since the last read into body_refs, whose chunks are still indexed. */
  async #readUnread(): Promise<Set<string>> {
    const found = new Set<string>();
    const listed = await this.#segments.listAfter(this.#cursor, Infinity);
    const sessions = new Map<string, number>();
    for (const segment of listed) {
      const members = (await this.#segments.members(segment.key)) ?? [];
      const keys = members.flatMap((m) => (m.chunk ? [{ ...chunkKey(m.chunk), segment: segment.key }] : []));
      const live = await this.#store.liveChunks(keys);
      for (const m of members) {
        const chunk = m.chunk;
        if (!chunk || !live.has(`${segment.key}\n${chunkKey(chunk).session_id}\n${chunkKey(chunk).first_id}`))
          continue;
        for (const record of chunk.records) {
          for (const d of recordDigests(record)) found.add(d);
          const at = record.exchange.started_at;
          sessions.set(chunk.session_id, Math.max(sessions.get(chunk.session_id) ?? at, at));
        }
      }
    }
    // A session back after a long pause is long whether or not the job has read it before.
    const facts = await this.#store.sessionFacts([...sessions.keys()]);
    for (const [id, last] of sessions) {
      const first = facts.get(id)?.first_seen ?? last;
      if (last - first > SHORT_SESSION_MS) this.#extraLong.add(id);
    }
    return found;
  }

  /** Sessions past their period that a hold keeps: everything they reference is kept. */
  async #readHeld(): Promise<Set<string>> {
    const ids = new Set([...this.#holds.sessions.keys(), ...this.#holds.customerSessions.keys()]);
    // Sessions last seen after the latest cutoff of any rule have expired under none.
    const latest = Math.max(...allRules(this.#policy).map((r) => cutoffOf(r.period, this.#now) ?? -Infinity));
    for (const day of Number.isFinite(latest) ? this.#holds.days.keys() : []) {
      const start = Date.parse(`${day}T00:00:00Z`);
      for (const s of await this.#store.sessionsActiveBetween(start, start + DAY_MS, latest, 10_000))
        ids.add(s.id);
    }
    const facts = await this.#store.sessionFacts([...ids]);
    const expired = [...facts.values()].filter((s) => {
      const cutoff = cutoffFor(this.#policy, s.host, this.#now);
      return cutoff !== null && s.last_seen < cutoff && holdOn(s, this.#holds) !== null;
    });
    return this.#digestsOf(expired, () => true);
  }

  /** Kept long sessions: their records from before the cutoff (later ones have live body_refs rows). */
  async #readLong(): Promise<Set<string>> {
    if (this.#unread === null) await (this.#unread = this.#readUnread());
    const listed = (await this.#store.longSessions()).map((s) => s.session_id);
    const facts = await this.#store.sessionFacts([...new Set([...listed, ...this.#extraLong])]);
    const kept = [...facts.values()].filter((s) => straddles(s, this.#policy, this.#now));
    return this.#digestsOf(kept, (row, s) => {
      const cutoff = cutoffFor(this.#policy, s.host, this.#now);
      return cutoff === null || row.started_at < cutoff;
    });
  }

  async #digestsOf(
    sessions: readonly SessionFacts[],
    wanted: (row: ChunkRow, session: SessionFacts) => boolean,
  ): Promise<Set<string>> {
    const found = new Set<string>();
    const byId = new Map(sessions.map((s) => [s.id, s]));
    for (const row of await this.#store.chunksOf([...byId.keys()])) {
      const session = byId.get(row.session_id);
      if (!session || !wanted(row, session)) continue;
      const chunk = await this.#segments.chunkOf(row);
      // A kept record that cannot be read might reference any body: stop rather than guess.
      if (!chunk) throw new Error(`retention: kept chunk unreadable in ${row.segment}`);
      for (const record of chunk.records) for (const d of recordDigests(record)) found.add(d);
    }
    for (const digests of (await this.#store.legacy.digestsOf([...byId.keys()])).values())
      for (const d of digests) found.add(d);
    return found;
  }
}
