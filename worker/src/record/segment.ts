import { gunzipSync, unzlibSync, zlibSync } from "fflate";
import { CHUNK_DICTIONARY_V1 } from "./chunk-dictionary.ts";
import { utcDay } from "../snapshot/ids.ts";
import { parseChunkMessage, type ChunkMessage } from "./record-message.ts";

/**
 * A segment: the chunks of one consumer batch in one R2 object, each chunk compressed on its own, so a
 * reader fetches one chunk with a ranged GET and inflates only it. The index row of a chunk holds its
 * segment key, offset and length. The key's suffix names the format of its members:
 *
 *   .z1  a zlib stream (RFC 1950) with preset dictionary v1 (record/chunk-dictionary.ts; its Adler-32 is in
 *        each member's DICTID field, so a member says which dictionary it needs): what is written
 *   .gz  a gzip member (RFC 1952) each: segments written before the dictionary
 */
export type ChunkPosition = { offset: number; length: number };

/** `segments/<UTC day>/<id>.z1`: the day prefix lets an R2 lifecycle rule drop a day's records. */
export function segmentKey(at: number, batchId: string): string {
  return `segments/${utcDay(at)}/${batchId}.z1`;
}

/** A batch id: 80 random bits, base32 (16 characters; it is repeated in every chunk row). */
export function batchId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(10));
  let bits = 0n;
  for (const byte of bytes) bits = (bits << 8n) | BigInt(byte);
  let out = "";
  for (let i = 0; i < 16; i++) {
    out = "0123456789abcdefghjkmnpqrstvwxyz"[Number(bits & 31n)] + out;
    bits >>= 5n;
  }
  return out;
}

export function buildSegment(chunks: readonly ChunkMessage[]): {
  bytes: Uint8Array;
  positions: ChunkPosition[];
} {
  const members = chunks.map((chunk) =>
    zlibSync(new TextEncoder().encode(JSON.stringify(chunk)), {
      level: 6,
      dictionary: CHUNK_DICTIONARY_V1,
    }),
  );
  const bytes = new Uint8Array(members.reduce((sum, m) => sum + m.byteLength, 0));
  const positions: ChunkPosition[] = [];
  let offset = 0;
  for (const member of members) {
    bytes.set(member, offset);
    positions.push({ offset, length: member.byteLength });
    offset += member.byteLength;
  }
  return { bytes, positions };
}

/** One member of the segment `key` back as JSON text (for readers and for scans of what is stored). */
export function inflateMember(key: string, member: Uint8Array): string {
  const bytes = key.endsWith(".gz")
    ? gunzipSync(member)
    : unzlibSync(member, { dictionary: CHUNK_DICTIONARY_V1 });
  return new TextDecoder().decode(bytes);
}

/** One member back as a chunk; null when the bytes are not a chunk this version reads. */
export function readChunk(key: string, member: Uint8Array): ChunkMessage | null {
  try {
    return parseChunkMessage(JSON.parse(inflateMember(key, member)) as unknown);
  } catch {
    return null;
  }
}
