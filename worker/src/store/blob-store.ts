import { gunzipSync, gzipSync } from "fflate";

/** Where masked bodies live: content-addressed, so a stylesheet served to 10,000 visitors is one object. */
export interface BlobStore {
  /** Stores `bytes` under `digest` unless already there. Returns what R2 now holds for it. */
  put(digest: string, bytes: Uint8Array, compress: boolean): Promise<StoredBlob>;
  /** The masked, decompressed bytes, or null when there is no such blob. */
  get(digest: string): Promise<Uint8Array | null>;
  /** What R2 holds for `digest` (sizes and encoding), without reading it; null when nothing. */
  head(digest: string): Promise<(Omit<StoredBlob, "created"> & { size: number }) | null>;
}

export type StoredBlob = { storedSize: number; encoding: "gzip" | "identity"; created: boolean };

export function blobKey(digest: string): string {
  return `sha256/${digest.slice(0, 2)}/${digest}`;
}

export class R2BlobStore implements BlobStore {
  readonly #bucket: R2Bucket;

  constructor(bucket: R2Bucket) {
    this.#bucket = bucket;
  }

  async put(digest: string, bytes: Uint8Array, compress: boolean): Promise<StoredBlob> {
    // mtime 0 keeps the gzip bytes a pure function of the content.
    const stored = compress ? gzipSync(bytes, { level: 6, mtime: 0 }) : bytes;
    const encoding = compress ? "gzip" : "identity";
    // Create-only: a concurrent writer of the same digest wrote the same bytes; R2 returns null for "exists".
    const result = await this.#bucket.put(blobKey(digest), stored, {
      onlyIf: { etagDoesNotMatch: "*" },
      customMetadata: { encoding, size: String(bytes.byteLength) },
    });
    return { storedSize: stored.byteLength, encoding, created: result !== null };
  }

  async head(digest: string): Promise<(Omit<StoredBlob, "created"> & { size: number }) | null> {
    const object = await this.#bucket.head(blobKey(digest));
    if (!object) return null;
    const encoding = object.customMetadata?.["encoding"] === "gzip" ? "gzip" : "identity";
    const size = Number(object.customMetadata?.["size"] ?? object.size);
    return { storedSize: object.size, encoding, size: Number.isFinite(size) ? size : object.size };
  }

  async get(digest: string): Promise<Uint8Array | null> {
    const object = await this.#bucket.get(blobKey(digest));
    if (!object) return null;
    const bytes = new Uint8Array(await object.arrayBuffer());
    return object.customMetadata?.encoding === "gzip" ? gunzipSync(bytes) : bytes;
  }
}
