import { Gunzip, unzlibSync } from "fflate";
import { CHUNK_DICTIONARY_V1 } from "../record/chunk-dictionary.ts";
import type { ChunkMessage, RecordMessage } from "../record/record-message.ts";
import { readChunk } from "../record/segment.ts";

/**
 * A segment's chunks found from its bytes alone (record/segment.ts writes them back to back, and only the
 * chunk rows know where each starts). Retention reads whole segments this way: to learn which bodies a day's
 * records reference, and which chunks a segment holds before deleting it. Pure.
 */
export type SegmentMember = {
  offset: number;
  length: number;
  /** Null when the member does not parse as a chunk this version reads. */
  chunk: ChunkMessage | null;
};

/** Every member of segment `key`, in order. Throws when the bytes are not a run of members. */
export function segmentMembers(key: string, bytes: Uint8Array): SegmentMember[] {
  const ends = key.endsWith(".gz") ? gzipEnds(bytes) : zlibEnds(bytes);
  const members: SegmentMember[] = [];
  let offset = 0;
  for (const end of ends) {
    members.push({ offset, length: end - offset, chunk: readChunk(key, bytes.subarray(offset, end)) });
    offset = end;
  }
  return members;
}

/** `(session_id, first_id)`: the primary key of a chunk's row in record_chunks (record/chunk-summary.ts). */
export function chunkKey(chunk: ChunkMessage): { session_id: string; first_id: string } {
  const ids = chunk.records.map((r) => r.exchange.id).sort();
  return { session_id: chunk.session_id, first_id: ids[0] ?? "" };
}

/** Every body a record names: both bodies, the body a 304 revalidated, and the blobs it was stored with. */
export function recordDigests(record: RecordMessage): string[] {
  const e = record.exchange;
  const all = [e.request_body_digest, e.response_body_digest, e.revalidated_digest];
  for (const blob of record.blobs) all.push(blob.digest);
  return [...new Set(all.filter((d): d is string => typeof d === "string" && /^[0-9a-f]{64}$/.test(d)))];
}

/**
 * End offsets of concatenated zlib streams (RFC 1950). A stream's end is not marked, but it closes with the
 * Adler-32 of its inflated bytes: inflate from the start (fflate stops at the final deflate block), look for
 * that checksum, and accept the first place where the bytes before it inflate whole and the next stream's
 * header (or the end of the object) follows.
 */
function zlibEnds(bytes: Uint8Array): number[] {
  const ends: number[] = [];
  let start = 0;
  while (start < bytes.length) {
    const rest = bytes.subarray(start);
    const content = unzlibSync(rest, { dictionary: CHUNK_DICTIONARY_V1 });
    const sum = adler32(content);
    let end = -1;
    for (let p = 6; p + 4 <= rest.length && end < 0; p++) {
      if (rest[p] !== sum[0] || rest[p + 1] !== sum[1] || rest[p + 2] !== sum[2] || rest[p + 3] !== sum[3])
        continue;
      const candidate = p + 4;
      if (candidate !== rest.length && !zlibHeaderAt(rest, candidate)) continue;
      if (inflatesWhole(rest.subarray(0, candidate), content.length)) end = candidate;
    }
    if (end < 0) throw new Error("segment: a member does not end where its checksum says");
    ends.push(start + end);
    start += end;
  }
  return ends;
}

function inflatesWhole(member: Uint8Array, length: number): boolean {
  try {
    return unzlibSync(member, { dictionary: CHUNK_DICTIONARY_V1 }).length === length;
  } catch {
    return false;
  }
}

/** CMF 0x78 (deflate, 32 KiB window), a header check divisible by 31 (RFC 1950 §2.2). */
function zlibHeaderAt(bytes: Uint8Array, at: number): boolean {
  const cmf = bytes[at];
  const flg = bytes[at + 1];
  return cmf === 0x78 && flg !== undefined && (cmf * 256 + flg) % 31 === 0;
}

function adler32(bytes: Uint8Array): [number, number, number, number] {
  let a = 1;
  let b = 0;
  // 5552 bytes is the most that can be summed before b overflows 32 bits (zlib's NMAX).
  for (let i = 0; i < bytes.length;) {
    const stop = Math.min(i + 5552, bytes.length);
    for (; i < stop; i++) {
      a += bytes[i] ?? 0;
      b += a;
    }
    a %= 65521;
    b %= 65521;
  }
  return [b >>> 8, b & 0xff, a >>> 8, a & 0xff];
}

/** Segments written before the dictionary hold gzip members, which fflate's streaming reader reports. */
function gzipEnds(bytes: Uint8Array): number[] {
  const starts: number[] = [0];
  const reader = new Gunzip();
  reader.onmember = (offset) => starts.push(offset);
  reader.ondata = () => {};
  reader.push(bytes, true);
  return [...starts.slice(1), bytes.length];
}
