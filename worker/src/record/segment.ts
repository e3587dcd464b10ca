import { gunzipSync, gzipSync } from "fflate";
import { utcDay } from "../snapshot/ids.ts";
import { parseChunkMessage, type ChunkMessage } from "./record-message.ts";

/**
 * A segment: the chunks of one consumer batch in one R2 object, each chunk its own gzip member (RFC 1952
 * §2.2: members concatenate), so a reader fetches one chunk with a ranged GET and inflates only it. The
 * index row of a chunk holds its segment key, offset and length.
 */
export type ChunkPosition = { offset: number; length: number };

/** `segments/<UTC day>/<id>.gz`: the day prefix lets an R2 lifecycle rule drop a day's records. */
export function segmentKey(at: number, batchId: string): string {
  return `segments/${utcDay(at)}/${batchId}.gz`;
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
    gzipSync(new TextEncoder().encode(JSON.stringify(chunk)), { mtime: 0 }),
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

/** One member back as a chunk; null when the bytes are not a chunk this version reads. */
export function readChunk(member: Uint8Array): ChunkMessage | null {
  try {
    return parseChunkMessage(JSON.parse(new TextDecoder().decode(gunzipSync(member))) as unknown);
  } catch {
    return null;
  }
}
