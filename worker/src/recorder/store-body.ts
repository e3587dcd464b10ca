import type { ArchiveIndex } from "../store/archive-index.ts";
import type { BlobRow } from "../store/rows.ts";
import { Lru } from "../util/lru.ts";
import type { BodyPart } from "./body-part.ts";
import { counters, noteFailure, type FailureSink } from "../log/health-counters.ts";
import type { RecorderStores } from "./recorder-stores.ts";

/**
 * Blobs this isolate knows are stored, with their rows. A hit costs neither a D1 read nor an R2 write; the
 * row still goes into the exchange's batch as INSERT OR IGNORE (no row written when present), so the
 * exchange's foreign key holds even if the cache outlived the row.
 */
const knownBlobs = new Lru<string, BlobRow>(5_000);

/** Puts a masked body into R2 unless the archive already has it; returns the exchange's body note. */
export async function storeBody(
  body: BodyPart,
  stores: RecorderStores,
  blobs: BlobRow[],
  exchangeId: string,
  sink: FailureSink,
  now: number,
): Promise<string | null> {
  if (!body.masked || !body.digest) return body.note;
  const digest = body.digest;
  if (blobs.some((b) => b.digest === digest)) return body.note;
  try {
    const known = knownBlobs.get(digest) ?? (await storedBlob(stores.index, digest));
    if (known) {
      counters.bodiesDeduplicated++;
      knownBlobs.set(digest, known);
      blobs.push(known);
      return body.note;
    }
    const stored = await stores.blobs.put(digest, body.masked, body.compress);
    counters.r2Puts++;
    if (stored.created) counters.bodiesStored++;
    else counters.bodiesDeduplicated++;
    const row: BlobRow = {
      digest,
      size: body.masked.byteLength,
      stored_size: stored.storedSize,
      encoding: stored.encoding,
      first_seen: now,
    };
    blobs.push(row);
    return body.note;
  } catch (error) {
    await noteFailure("r2", error, exchangeId, sink);
    return body.note ? `${body.note},store_failed` : "store_failed";
  }
}

/** Rows of blobs written in a batch that committed: from now on this isolate knows them. */
export function rememberBlobs(rows: readonly BlobRow[]): void {
  for (const row of rows) knownBlobs.set(row.digest, row);
}

/**
 * One indexed D1 read decides on a cache miss; a shared asset then costs no R2 write (an R2 PUT costs 4.5x a
 * D1 row written). If D1 cannot answer, the create-only R2 put is still correct, just not free.
 */
async function storedBlob(index: ArchiveIndex, digest: string): Promise<BlobRow | null> {
  try {
    return await index.blobRow(digest);
  } catch {
    return null;
  }
}
