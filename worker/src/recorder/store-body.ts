import type { BlobStore } from "../store/blob-store.ts";
import type { BlobRow } from "../record/rows.ts";
import { Lru } from "../util/lru.ts";
import type { BodyPart } from "./body-part.ts";
import { counters, noteFailure, type FailureSink } from "../log/health-counters.ts";
import type { RecorderStores } from "./recorder-stores.ts";

/**
 * Blobs this shard knows are stored, with their sizes and encodings (which go into the record, for exports).
 * A hit costs neither an R2 read nor an R2 write.
 */
const knownBlobs = new Lru<string, BlobRow>(5_000);

/**
 * Bodies this shard is storing right now, by digest: exchanges of different visits that carry the same body
 * and are recorded side by side (one hand-off call brings many) wait for one HEAD and at most one PUT.
 */
const storing = new Map<string, Promise<BlobRow>>();

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
    const known = knownBlobs.get(digest);
    const inFlight = known ? undefined : storing.get(digest);
    let row: BlobRow;
    if (known || inFlight) {
      row = known ?? (await (inFlight as Promise<BlobRow>));
      counters.bodiesDeduplicated++;
    } else {
      const pending = ensureStored(stores.blobs, digest, body.masked, body.compress, now);
      storing.set(digest, pending);
      try {
        row = await pending;
      } finally {
        storing.delete(digest);
      }
    }
    // Stored now, whoever stored it: the next exchange with this body costs no R2 call.
    knownBlobs.set(digest, row);
    blobs.push(row);
    return body.note;
  } catch (error) {
    await noteFailure("r2", error, exchangeId, sink);
    return body.note ? `${body.note},store_failed` : "store_failed";
  }
}

/** One HEAD, and a create-only PUT if R2 does not have the body yet. */
async function ensureStored(
  bucket: BlobStore,
  digest: string,
  masked: Uint8Array,
  compress: boolean,
  now: number,
): Promise<BlobRow> {
  const stored = await storedBlob(bucket, digest, now);
  if (stored) {
    counters.bodiesDeduplicated++;
    return stored;
  }
  const put = await bucket.put(digest, masked, compress);
  counters.r2Puts++;
  if (put.created) counters.bodiesStored++;
  else counters.bodiesDeduplicated++;
  return {
    digest,
    size: masked.byteLength,
    stored_size: put.storedSize,
    encoding: put.encoding,
    first_seen: now,
  };
}

/** Rows of blobs written in a batch that committed: from now on this isolate knows them. */
export function rememberBlobs(rows: readonly BlobRow[]): void {
  for (const row of rows) knownBlobs.set(row.digest, row);
}

/**
 * One R2 HEAD (Class B, $0.36/M) decides on a cache miss; a shared asset then costs no R2 write (Class A,
 * $4.50/M) and no rewrite of a hot key (R2 takes about one write per second per key). If R2 cannot answer,
 * the create-only put is still correct, just not free.
 */
async function storedBlob(blobs: BlobStore, digest: string, now: number): Promise<BlobRow | null> {
  try {
    const head = await blobs.head(digest);
    return head
      ? { digest, size: head.size, stored_size: head.storedSize, encoding: head.encoding, first_seen: now }
      : null;
  } catch {
    return null;
  }
}
