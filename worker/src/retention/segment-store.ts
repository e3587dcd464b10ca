import type { ChunkRow } from "../record/chunk-summary.ts";
import type { ChunkMessage } from "../record/record-message.ts";
import { readChunk } from "../record/segment.ts";
import { utcDay } from "../snapshot/ids.ts";
import { segmentMembers, type SegmentMember } from "./segment-members.ts";

/** A segment as listed: its key and when R2 stored it (segments are written once, never changed). */
export type ListedSegment = { key: string; uploaded: number };
/** Where the reading of segments stands: everything listed before (uploaded, key) has been read. */
export type SegmentCursor = { at: number; key: string };

const DAY_MS = 86_400_000;
/** Whole segments kept in memory during one run, at most. */
const CACHE_BYTES = 48 * 1024 * 1024;

export function afterCursor(s: ListedSegment, cursor: SegmentCursor): boolean {
  return s.uploaded > cursor.at || (s.uploaded === cursor.at && s.key > cursor.key);
}

/**
 * Segments in R2 for the retention job: listed in the order they were written (R2's upload time, then key),
 * read whole and split into chunks, kept for the rest of the run (a batch of sessions shares segments).
 */
export class SegmentStore {
  readonly #bucket: R2Bucket;
  readonly #cache = new Map<string, Uint8Array>();
  #cached = 0;

  constructor(bucket: R2Bucket) {
    this.#bucket = bucket;
  }

  /**
   * Segments written after `cursor` and no later than `until`, oldest first. Keys start with the UTC day
   * they were written (record/segment.ts), so only the days from the cursor's on are listed.
   */
  async listAfter(cursor: SegmentCursor, until: number): Promise<ListedSegment[]> {
    const days = (await this.#days()).filter((d) => d >= utcDay(Math.max(0, cursor.at - DAY_MS)));
    const out: ListedSegment[] = [];
    for (const day of days) {
      let listCursor: string | undefined;
      do {
        const page = await this.#bucket.list({
          prefix: `segments/${day}/`,
          ...(listCursor ? { cursor: listCursor } : {}),
        });
        for (const o of page.objects) {
          const s = { key: o.key, uploaded: o.uploaded.getTime() };
          if (afterCursor(s, cursor) && s.uploaded <= until) out.push(s);
        }
        listCursor = page.truncated ? page.cursor : undefined;
      } while (listCursor);
    }
    return out.sort((a, b) => a.uploaded - b.uploaded || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  async #days(): Promise<string[]> {
    const days: string[] = [];
    let listCursor: string | undefined;
    do {
      const page = await this.#bucket.list({
        prefix: "segments/",
        delimiter: "/",
        ...(listCursor ? { cursor: listCursor } : {}),
      });
      for (const prefix of page.delimitedPrefixes) {
        const day = prefix.slice("segments/".length, -1);
        if (/^\d{4}-\d{2}-\d{2}$/.test(day)) days.push(day);
      }
      listCursor = page.truncated ? page.cursor : undefined;
    } while (listCursor);
    return days.sort();
  }

  /** The whole segment, or null when it is gone. */
  async bytes(key: string): Promise<Uint8Array | null> {
    const cached = this.#cache.get(key);
    if (cached) return cached;
    const object = await this.#bucket.get(key);
    if (!object) return null;
    const bytes = new Uint8Array(await object.arrayBuffer());
    this.#cache.set(key, bytes);
    this.#cached += bytes.byteLength;
    for (const [old, value] of this.#cache) {
      if (this.#cached <= CACHE_BYTES) break;
      this.#cache.delete(old);
      this.#cached -= value.byteLength;
    }
    return bytes;
  }

  /**
   * Every chunk of a segment, found from its bytes; null when the segment is gone. Throws when it does not
   * split into chunks: what it holds is then unknown, and nothing it might reference may be deleted.
   */
  async members(key: string): Promise<SegmentMember[] | null> {
    const bytes = await this.bytes(key);
    return bytes ? segmentMembers(key, bytes) : null;
  }

  /** The chunk a row points at (null when its segment or the member is unreadable). */
  async chunkOf(
    row: Pick<ChunkRow, "segment" | "segment_offset" | "segment_length">,
  ): Promise<ChunkMessage | null> {
    const bytes = await this.bytes(row.segment);
    if (!bytes) return null;
    return readChunk(
      row.segment,
      bytes.subarray(row.segment_offset, row.segment_offset + row.segment_length),
    );
  }

  /** Deletes objects (R2 deletes up to 1,000 keys a call; deleting is free). */
  async delete(keys: readonly string[]): Promise<void> {
    for (let i = 0; i < keys.length; i += 1000) await this.#bucket.delete(keys.slice(i, i + 1000));
    for (const key of keys) {
      const cached = this.#cache.get(key);
      if (cached) {
        this.#cache.delete(key);
        this.#cached -= cached.byteLength;
      }
    }
  }
}
