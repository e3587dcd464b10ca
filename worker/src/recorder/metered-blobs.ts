import type { BlobStore, StoredBlob } from "../store/blob-store.ts";

/**
 * A blob store that reports the bytes each put added to R2 (as stored: compressed, and nothing when the
 * object was there already), so an exchange's session is charged what it really cost (session-quota.ts).
 */
export function meteredBlobs(blobs: BlobStore, onStored: (bytes: number) => void): BlobStore {
  return {
    async put(digest: string, bytes: Uint8Array, compress: boolean): Promise<StoredBlob> {
      const stored = await blobs.put(digest, bytes, compress);
      if (stored.created) onStored(stored.storedSize);
      return stored;
    },
    get: (digest) => blobs.get(digest),
    head: (digest) => blobs.head(digest),
  };
}
